package pro.codai.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class JsonDepthTest {

    static boolean exceeds(String json, int max) {
        return JsonDepth.exceeds(json.getBytes(StandardCharsets.UTF_8), max);
    }

    @Test
    void nestingAtTheBoundIsAllowedAndOneLevelMoreIsNot() {
        assertThat(exceeds("{\"a\":[[1]]}", 3)).isFalse();
        assertThat(exceeds("{\"a\":[[[1]]]}", 3)).isTrue();
        assertThat(exceeds("[]".repeat(1000), 1)).as("siblings, not nesting").isFalse();
    }

    @Test
    void bracketsInsideStringsDoNotCount() {
        assertThat(exceeds("{\"a\":\"[[[[{{{{\"}", 1)).isFalse();
        assertThat(exceeds("{\"a\":\"\\\"[[[[\"}", 1)).as("an escaped quote").isFalse();
        assertThat(exceeds("{\"a\":\"\\\\\",\"b\":[[1]]}", 2)).as("an escaped backslash").isTrue();
    }
}
