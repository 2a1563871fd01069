package pro.codai.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

    @Test
    void aRequestFromLoopbackIsTheClientNginxNames() {
        assertThat(ClientAddress.of("127.0.0.1", "10.20.30.40")).isEqualTo("10.20.30.40");
        assertThat(ClientAddress.of("0:0:0:0:0:0:0:1", "2001:db8::7")).isEqualTo("2001:db8::7");
    }

    @Test
    void aRequestFromElsewhereIsItsOwnPeerWhateverItClaims() {
        assertThat(ClientAddress.of("192.0.2.9", "10.20.30.40")).isEqualTo("192.0.2.9");
        assertThat(ClientAddress.of("192.0.2.9", null)).isEqualTo("192.0.2.9");
    }

    @Test
    void aNameOrGarbageInTheHeaderIsIgnored() {
        assertThat(ClientAddress.of("127.0.0.1", null)).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.of("127.0.0.1", "example.org")).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.of("127.0.0.1", "10.0.0.1, 10.0.0.2")).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.of("127.0.0.1", "")).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.of("127.0.0.1", "1.2.3")).isEqualTo("127.0.0.1");
    }

    @Test
    void failuresCountByTheAddressAndAnIpv6ClientByItsSlash64() {
        assertThat(ClientAddress.counted("192.0.2.5")).isEqualTo("192.0.2.5");
        assertThat(ClientAddress.counted("::ffff:192.0.2.5")).isEqualTo("192.0.2.5");
        assertThat(ClientAddress.counted("2001:db8:1:2:ffff:1:2:3"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(ClientAddress.counted(null)).isEqualTo("unknown");
    }
}
