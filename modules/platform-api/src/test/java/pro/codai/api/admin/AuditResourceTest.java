package pro.codai.api.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class AuditResourceTest {

    @Test
    void aTimeIsAnInstantOrADateTakenAsItsStartInUtc() {
        assertThat(AuditResource.time("from", "2026-12-01T08:30:00Z"))
                .isEqualTo(Instant.parse("2026-12-01T08:30:00Z"));
        assertThat(AuditResource.time("from", "2026-12-01"))
                .isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(AuditResource.time("to", " ")).isNull();
        assertThat(AuditResource.time("to", null)).isNull();
    }

    @Test
    void anythingElseIsRefusedNamingTheParameterAndTheForm() {
        assertThatThrownBy(() -> AuditResource.time("from", "yesterday"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("from must be an ISO-8601 instant");
        assertThatThrownBy(() -> AuditResource.time("to", "2026-13-01"))
                .hasMessageStartingWith("to must be");
        assertThatThrownBy(() -> AuditResource.time("to", "2026-12-01T08:30"))
                .hasMessageStartingWith("to must be");
    }

    @Test
    void aNumberMustBeWholeAndInRange() {
        assertThat(AuditResource.whole("limit", " 50 ", 1, 1000)).isEqualTo(50);
        for (String bad : new String[] {"0", "1001", "-3", "ten", "1.5", ""}) {
            assertThatThrownBy(() -> AuditResource.whole("limit", bad, 1, 1000))
                    .hasMessage("limit must be a whole number from 1 to 1000");
        }
    }
}
