package pro.codai.portal.site;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentSecurityPolicyTest {

    @Test
    void pagesGetAFullPolicyEndingInScriptSrcForPrimeFacesNonce() {
        String policy = ContentSecurityPolicy.forPages("https://login.campus.edu");

        assertThat(policy)
                .contains("default-src 'self'")
                .contains("object-src 'none'")
                .contains("base-uri 'none'")
                .contains("frame-ancestors 'none'")
                .contains("form-action 'self' https://login.campus.edu;")
                .contains("worker-src 'self';")
                .doesNotContain("blob:")
                .doesNotContain("unsafe-eval")
                .endsWith("script-src 'self'");
    }
}
