package pro.codai.platform.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Host names, student email domains, logos and the setup code as the wizard takes them. */
class InputChecksTest {

    @Test
    void hostNamesAreLowerCasedAndNeedTwoLabels() throws Exception {
        assertThat(HostNames.hostName(" IDE.Campus.edu. ", "host name"))
                .isEqualTo("ide.campus.edu");
        for (String bad :
                new String[] {
                    "",
                    "localhost",
                    "ide_campus.edu",
                    "-a.edu",
                    "10.0.0.1",
                    "https://ide.campus.edu",
                    "a..edu"
                }) {
            assertThatThrownBy(() -> HostNames.hostName(bad, "host name"))
                    .as(bad)
                    .isInstanceOf(InvalidSetupInput.class);
        }
    }

    @Test
    void emailDomainsAreParsedDedupedAndAddressesRefusedWithAHint() throws Exception {
        assertThat(EmailDomains.parse("Student.Uni.example, uni.example\nuni.example"))
                .containsExactly("student.uni.example", "uni.example");
        assertThat(EmailDomains.parse("  ")).isEmpty();
        assertThatThrownBy(() -> EmailDomains.parse("ada@student.uni.example"))
                .hasMessageContaining("enter only its domain, e.g. student.uni.example");
        assertThatThrownBy(() -> EmailDomains.parse("*.uni.example"))
                .hasMessageContaining("without '*.'");
        assertThatThrownBy(() -> EmailDomains.parse("uni"))
                .hasMessageContaining("is not an email domain");
    }

    @Test
    void aPngLogoIsTakenAndStoredRoundTrip() throws Exception {
        byte[] png =
                Arrays.copyOf(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 64);
        Logo logo = Logo.check("crest.png", png);
        assertThat(logo.mediaType()).isEqualTo("image/png");
        Logo back = Logo.fromStored(logo.stored());
        assertThat(back.mediaType()).isEqualTo("image/png");
        assertThat(back.bytes()).isEqualTo(png);
    }

    @Test
    void aPlainSvgLogoIsTaken() throws Exception {
        String svg =
                "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\""
                        + " viewBox=\"0 0 10 10\"><defs><linearGradient id=\"g\"><stop offset=\"0\"/>"
                        + "</linearGradient></defs><title>Crest</title>"
                        + "<rect width=\"10\" height=\"10\" fill=\"url(#g)\"/><text x=\"1\">U</text></svg>";
        assertThat(Logo.check("crest.svg", svg.getBytes(StandardCharsets.UTF_8)).mediaType())
                .isEqualTo("image/svg+xml");
    }

    @Test
    void svgLogosThatCouldDoMoreThanDrawAreRefused() {
        String open =
                "<svg xmlns=\"http://www.w3.org/2000/svg\""
                        + " xmlns:xlink=\"http://www.w3.org/1999/xlink\">";
        String[][] cases = {
            {open + "<script>alert(1)</script></svg>", "<script>"},
            {open + "<rect onload=\"alert(1)\"/></svg>", "event handler"},
            {open + "<foreignObject><p>x</p></foreignObject></svg>", "<foreignObject>"},
            {open + "<use xlink:href=\"https://evil.example/x.svg#a\"/></svg>", "outside itself"},
            {open + "<image href=\"data:image/png;base64,AAAA\"/></svg>", "<image>"},
            {open + "<rect style=\"fill:url(https://evil.example/)\"/></svg>", "outside itself"},
            {open + "<style>@import url(https://evil.example/x.css);</style></svg>", "style"},
            {
                "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x \"y\">]>" + open + "</svg>",
                "DOCTYPE"
            },
            {"<html><body/></html>", "not an SVG image"},
            {open + "<rect>", "not well-formed"},
        };
        for (String[] bad : cases) {
            assertThatThrownBy(
                            () ->
                                    Logo.check(
                                            "logo.svg".equals(bad[1]) ? "x" : "logo.svg",
                                            bad[0].getBytes(StandardCharsets.UTF_8)))
                    .as(bad[0])
                    .isInstanceOf(InvalidSetupInput.class)
                    .hasMessageContaining(bad[1]);
        }
    }

    @Test
    void logosOverTheCapOrEmptyOrOfAnotherKindAreRefused() {
        assertThatThrownBy(() -> Logo.check("big.png", new byte[Logo.MAX_BYTES + 1]))
                .hasMessageContaining("at most 256 KB");
        assertThatThrownBy(() -> Logo.check("empty.png", new byte[0]))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Logo.check("photo.jpg", new byte[] {(byte) 0xff, (byte) 0xd8, 1}))
                .hasMessageContaining("PNG or an SVG");
    }

    @Test
    void theSetupCodeIsCheckedForgivinglyAndStopsAfterTenWrongGuessesFromAClient() {
        SetupCode.Issued issued = SetupCode.issue();
        assertThat(issued.code())
                .matches("[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}");
        SetupCode code = issued.checker();
        String guesser = "192.0.2.66";

        assertThat(code.check(issued.code().toLowerCase().replace("-", " "), guesser))
                .isEqualTo(SetupCode.Verdict.ACCEPTED);
        for (int i = 1; i < SetupCode.MAX_FAILURES; i++) {
            assertThat(code.check("WRONG-CODE-" + i, guesser)).isEqualTo(SetupCode.Verdict.WRONG);
        }
        assertThat(code.failuresLeft(guesser)).isEqualTo(1);
        assertThat(code.check("still-wrong", guesser)).isEqualTo(SetupCode.Verdict.EXHAUSTED);
        assertThat(code.check(issued.code(), guesser))
                .as("the right code after too many wrong ones from that client")
                .isEqualTo(SetupCode.Verdict.EXHAUSTED);
    }

    @Test
    void anotherClientsWrongGuessesDoNotLockTheAdministratorOut() {
        SetupCode.Issued issued = SetupCode.issue();
        SetupCode code = issued.checker();
        for (int i = 0; i < SetupCode.MAX_FAILURES + 5; i++) {
            code.check("WRONG-CODE-" + i, "192.0.2.66");
        }
        // The same /64 is the same client; the IPv4-mapped form of an address is that address.
        for (int i = 0; i < SetupCode.MAX_FAILURES; i++) {
            code.check("WRONG-CODE-" + i, "2001:db8:1:2::" + Integer.toHexString(i + 1));
        }

        assertThat(code.check(issued.code(), "::ffff:192.0.2.66"))
                .isEqualTo(SetupCode.Verdict.EXHAUSTED);
        assertThat(code.check(issued.code(), "2001:db8:1:2:ffff::9"))
                .isEqualTo(SetupCode.Verdict.EXHAUSTED);
        assertThat(code.failuresLeft("198.51.100.7")).isEqualTo(SetupCode.MAX_FAILURES);
        assertThat(code.check("WRONG-CODE", "198.51.100.7")).isEqualTo(SetupCode.Verdict.WRONG);
        assertThat(code.check(issued.code(), "198.51.100.7")).isEqualTo(SetupCode.Verdict.ACCEPTED);
        assertThat(code.check(issued.code(), "2001:db8:1:3::1"))
                .as("the next /64")
                .isEqualTo(SetupCode.Verdict.ACCEPTED);
    }

    @Test
    void wrongGuessesFromManyClientsEndTheCodeForEveryone() {
        SetupCode.Issued issued = SetupCode.issue();
        SetupCode code = issued.checker();
        int clients = SetupCode.MAX_TOTAL_FAILURES / (SetupCode.MAX_FAILURES - 1) + 1;
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < SetupCode.MAX_FAILURES - 1; i++) {
                code.check("WRONG-CODE", "10.0." + (c >> 8) + "." + (c & 255));
            }
        }

        assertThat(code.check(issued.code(), "198.51.100.8"))
                .isEqualTo(SetupCode.Verdict.EXHAUSTED);
        assertThat(code.failuresLeft("198.51.100.8")).isZero();
    }
}
