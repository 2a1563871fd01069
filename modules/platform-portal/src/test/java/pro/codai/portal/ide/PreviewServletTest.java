package pro.codai.portal.ide;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreviewServletTest {

    @Test
    void hiddenFilesAndFoldersAreNotShown() {
        assertThat(PreviewServlet.hidden(".env")).isTrue();
        assertThat(PreviewServlet.hidden(".git/config")).isTrue();
        assertThat(PreviewServlet.hidden("site/.secret/index.html")).isTrue();
        assertThat(PreviewServlet.hidden("site/..")).isTrue();
        assertThat(PreviewServlet.hidden("site/.htaccess")).isTrue();

        assertThat(PreviewServlet.hidden("site/index.html")).isFalse();
        assertThat(PreviewServlet.hidden("site/my.page.html")).isFalse();
        assertThat(PreviewServlet.hidden("index.html")).isFalse();
    }

    @Test
    void previewsHaveTheirOwnSandboxedPolicy() {
        assertThat(PreviewServlet.POLICY)
                .startsWith("sandbox allow-scripts")
                .doesNotContain("allow-same-origin")
                .contains("object-src 'none'")
                .contains("base-uri 'none'");
    }
}
