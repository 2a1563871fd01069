package pro.codai.jobe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobeResourceTest {

    @ParameterizedTest
    @ValueSource(strings = {"true", "ture", "no", "0", "off", "", "flase"})
    void anythingButFalseKeepsTheJobeApiClosed(String setting) {
        assertThat(JobeResource.keysRequired(setting)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", " false "})
    void onlyFalseOpensIt(String setting) {
        assertThat(JobeResource.keysRequired(setting)).isFalse();
    }
}
