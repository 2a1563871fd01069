package pro.codai.platform.setup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SetupGateTest {

    @Test
    void whileSetupIsPendingThePortalServesOnlyItsStaticFilesErrorPagesAndLogo() {
        for (String path :
                new String[] {
                    "/jakarta.faces.resource/theme.css.xhtml",
                    "/resources/codaipro/css/site.css",
                    "/error/404.xhtml",
                    "/branding/logo"
                }) {
            assertThat(SetupGate.passes(true, path, "")).as(path).isTrue();
        }
        for (String path :
                new String[] {
                    "/",
                    "/index.xhtml",
                    "/signin",
                    "/app/dashboard.xhtml",
                    "/admin/index.xhtml",
                    "/ide/",
                    "/preview/x",
                    "/errorx"
                }) {
            assertThat(SetupGate.passes(true, path, "")).as(path).isFalse();
        }
    }

    @Test
    void theApisServeOnlyTheVersionDocument() {
        assertThat(SetupGate.passes(false, "/v1/info", "/api")).isTrue();
        assertThat(SetupGate.passes(false, "/v1/runs", "/api")).isFalse();
        assertThat(SetupGate.passes(false, "/v1/info", "/jobe")).isFalse();
    }

    @Test
    void theWizardIsItsOnePathWithOrWithoutTheSuffix() {
        assertThat(SetupGate.isWizard("/setup")).isTrue();
        assertThat(SetupGate.isWizard("/setup.xhtml")).isTrue();
        assertThat(SetupGate.isWizard("/setup/x")).isFalse();
    }
}
