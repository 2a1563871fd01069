package pro.codai.jobe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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

    @Test
    void aDebugRunIsNamedAsJobeNamesItsRunDirectories() {
        assertThat(JobeResource.debugRunId()).matches("jobe_[A-Za-z0-9]{6}");
        assertThat(JobeResource.debugRunId()).isNotEqualTo(JobeResource.debugRunId());
    }

    @Test
    void jsonIsNamedAsUtf8AsJobeNamesIt() {
        assertThat(JobeError.JSON.isCompatible(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE))
                .isTrue();
        assertThat(JobeError.JSON.getParameters()).containsEntry("charset", "UTF-8");
    }
}
