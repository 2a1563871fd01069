package pro.codai.api.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PeopleResourceTest {

    @Test
    void aSuspensionsReasonIsOptional() {
        assertThat(PeopleResource.reasonIn(null)).isNull();
        assertThat(PeopleResource.reasonIn("  ")).isNull();
        assertThat(PeopleResource.reasonIn("{}")).isNull();
        assertThat(PeopleResource.reasonIn("{\"reason\":null}")).isNull();
        assertThat(PeopleResource.reasonIn("{\"reason\":\"shared an exam\"}"))
                .isEqualTo("shared an exam");
    }

    @Test
    void aBodyThatIsNotAnObjectWithTextIsRefused() {
        for (String bad : new String[] {"{", "[1]", "\"text\"", "{\"reason\":5}", "{} {}"}) {
            assertThatThrownBy(() -> PeopleResource.reasonIn(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRoleOrPlanBodyMustNameItsKey() {
        assertThat(PeopleResource.choiceIn("{\"role\":\"ADMIN\"}", "role")).isEqualTo("ADMIN");
        assertThat(PeopleResource.choiceIn("{\"role\":null}", "role")).isNull();
        for (String bad : new String[] {null, "", "{}", "{\"rol\":\"STUDENT\"}", "{\"role\":1}"}) {
            assertThatThrownBy(() -> PeopleResource.choiceIn(bad, "role"))
                    .as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
