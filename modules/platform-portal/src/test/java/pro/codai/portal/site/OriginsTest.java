package pro.codai.portal.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OriginsTest {

    @Test
    void anOriginIsWrittenAsBrowsersSendIt() {
        assertThat(Origins.of("http://localhost:8080")).isEqualTo("http://localhost:8080");
        assertThat(Origins.of("HTTPS://IDE.Campus.edu:443/")).isEqualTo("https://ide.campus.edu");
        assertThat(Origins.of("http://[::1]:80")).isEqualTo("http://[::1]");
        assertThat(Origins.host("http://[::1]:8080")).isEqualTo("::1");
        assertThat(Origins.bare("[::1]")).isEqualTo("::1");
        assertThat(Origins.bare("LocalHost")).isEqualTo("localhost");
    }

    @Test
    void previewsDefaultToTheOtherLoopbackNameOfTheSameListener() {
        assertThat(Origins.previewUrl("", "http://localhost:8080"))
                .contains("http://127.0.0.1:8080");
        assertThat(Origins.previewUrl(null, "http://127.0.0.1:9000"))
                .contains("http://localhost:9000");
        assertThat(Origins.previewUrl("", "http://[::1]:9000")).contains("http://localhost:9000");
        assertThat(Origins.previewUrl("", "https://ide.campus.edu"))
                .as("a real name has no default: previews are off")
                .isEmpty();
        assertThat(
                        Origins.previewUrl(
                                " https://preview.ide.campus.edu/ ", "https://ide.campus.edu"))
                .contains("https://preview.ide.campus.edu");
    }

    @Test
    void aPreviewAddressMustBeAnotherHostWithoutAPath() {
        for (String bad :
                new String[] {
                    "preview.campus.edu",
                    "ftp://preview.campus.edu",
                    "https://preview.campus.edu/pages",
                    "https://me@preview.campus.edu",
                    "https://preview.campus.edu?x",
                    "https://preview.campus.edu#x",
                    "https://bad host"
                }) {
            assertThatThrownBy(() -> Origins.previewUrl(bad, "https://ide.campus.edu"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(
                        () ->
                                Origins.previewUrl(
                                        "https://ide.campus.edu:8443", "https://ide.campus.edu"))
                .as("another port of the portal's host receives the portal's cookies")
                .hasMessageContaining("another name");
    }

    @Test
    void onlyRequestsFromThePortalsOwnPagesCount() {
        String portal = "http://localhost:8080";
        assertThat(Origins.sentFrom(portal, "http://localhost:8080", "same-origin")).isTrue();
        assertThat(Origins.sentFrom(portal, "http://localhost:8080", null)).isTrue();
        assertThat(Origins.sentFrom(portal, null, "same-origin"))
                .as("no Origin, but the browser says same-origin")
                .isTrue();

        assertThat(Origins.sentFrom(portal, "http://evil.example", "cross-site")).isFalse();
        assertThat(Origins.sentFrom(portal, "http://127.0.0.1:8080", "cross-site"))
                .as("the preview address")
                .isFalse();
        assertThat(Origins.sentFrom(portal, "http://localhost:8081", "same-site"))
                .as("another port")
                .isFalse();
        assertThat(Origins.sentFrom(portal, "null", "cross-site")).as("a sandboxed page").isFalse();
        assertThat(Origins.sentFrom(portal, "", null)).isFalse();
        assertThat(Origins.sentFrom(portal, "not an origin", null)).isFalse();
        assertThat(Origins.sentFrom(portal, null, "same-site"))
                .as("a subdomain, e.g. a preview address")
                .isFalse();
        assertThat(Origins.sentFrom(portal, null, null)).as("neither header").isFalse();
    }
}
