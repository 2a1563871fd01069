package pro.codai.jobe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobeRoutesTest {

    @ParameterizedTest
    @CsvSource({"GET,languages", "POST,runs", "PUT,files/abc123", "HEAD,files/ABCdef0123456789"})
    void jobesRoutesAreRoutes(String method, String path) {
        assertThat(JobeRoutes.isRoute(method, path)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "GET,runs",
        "DELETE,runs",
        "PUT,runs",
        "GET,runs/123",
        "GET,files/abc123",
        "DELETE,files/abc123",
        "POST,languages",
        "HEAD,languages",
        "PUT,files/a-b",
        "PUT,files/",
        "GET,nothing/here",
        "PATCH,runs"
    })
    void anythingElseIsNot(String method, String path) {
        assertThat(JobeRoutes.isRoute(method, path)).isFalse();
    }
}
