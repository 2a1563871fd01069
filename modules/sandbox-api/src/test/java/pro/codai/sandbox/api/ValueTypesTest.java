package pro.codai.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    @Test
    void limitsAreCappedFieldByFieldByTheConfiguredMaximum() {
        Limits asked =
                new Limits(
                        8L << 30,
                        4000,
                        10_000,
                        1L << 40,
                        65_536,
                        Duration.ofHours(1),
                        Duration.ofHours(2));
        Limits maximum =
                new Limits(
                        1L << 30,
                        1000,
                        512,
                        1L << 30,
                        4096,
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(10));

        assertThat(asked.cappedBy(maximum)).isEqualTo(maximum);
        assertThat(Limits.DEFAULT.cappedBy(Limits.DEFAULT)).isEqualTo(Limits.DEFAULT);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> Limits.DEFAULT.withMemoryBytes(0))
                .hasMessageContaining("memoryBytes");
        assertThatThrownBy(() -> Limits.DEFAULT.withPids(-1)).hasMessageContaining("pids");
        assertThatThrownBy(() -> Limits.DEFAULT.withTimes(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("positive");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../etc", "a/b", "/abs", "with space", "x\0y"})
    void volumeNamesCannotNameAPath(String volume) {
        assertThatThrownBy(() -> new Mount(volume, "/home/student", false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"relative", "/", "/home/../etc", "/home/./x", "/home//x", "/home/x/"})
    void mountTargetsMustBeAbsoluteAndNormalised(String target) {
        assertThatThrownBy(() -> new Mount("ws-1", target, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWorkspaceMountIsAccepted() {
        assertThat(new Mount("ws-42.student", "/home/student", false).target())
                .isEqualTo("/home/student");
    }

    @Test
    void execRequestsRefuseWhatCannotReachExecve() {
        assertThatThrownBy(() -> ExecRequest.of()).hasMessageContaining("program");
        assertThatThrownBy(() -> ExecRequest.of("echo", "a\0b")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> ExecRequest.of("env").withEnv(Map.of("BAD NAME", "x")))
                .hasMessageContaining("BAD NAME");
        assertThatThrownBy(() -> ExecRequest.of("ls").withCwd("tmp"))
                .hasMessageContaining("absolute");
    }

    @Test
    void execRequestsCopyTheirInput() {
        byte[] input = {1, 2, 3};
        ExecRequest request = ExecRequest.of("cat").withStdin(input);
        input[0] = 9;

        assertThat(request.stdin()).containsExactly(1, 2, 3);
    }

    @Test
    void networkPolicyNamesHostsOnly() {
        assertThat(NetworkPolicy.NONE.isNone()).isTrue();
        assertThat(new NetworkPolicy(List.of("deb.debian.org")).isNone()).isFalse();
        assertThatThrownBy(() -> new NetworkPolicy(List.of("http://x/")))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> new NetworkPolicy(List.of("mirror:70000")))
                .hasMessageContaining("port");
        assertThatThrownBy(() -> new NetworkPolicy(List.of("mirror:")))
                .hasMessageContaining("host");
        assertThat(new NetworkPolicy(List.of("deb.debian.org", "10.0.0.5:3141")).destinations())
                .containsExactly(
                        new NetworkPolicy.Destination("deb.debian.org", List.of(80, 443)),
                        new NetworkPolicy.Destination("10.0.0.5", List.of(3141)));
    }

    @Test
    void sizesReadAsOperatorsWriteThem() {
        assertThat(Sizes.parse("512m")).isEqualTo(512L << 20);
        assertThat(Sizes.parse(" 2G ")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("64k")).isEqualTo(64L << 10);
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        for (String bad : new String[] {"", "m", "0", "-1g", "lots", "99999999999g"}) {
            assertThatThrownBy(() -> Sizes.parse(bad))
                    .as(bad)
                    .hasMessageContaining("is not a size such as 512m or 2g");
        }
    }

    @Test
    void egressNetworksAreSmallValidSubnets() {
        EgressNetwork network = new EgressNetwork("cpsbx", "10.213.0.0/16");

        assertThat(network.gatewayAddress()).isEqualTo("10.213.0.1");
        assertThat(network.sandboxAddress(1)).isEqualTo("10.213.0.2");
        assertThat(network.sandboxAddress(300)).isEqualTo("10.213.1.45");
        assertThat(network.interfaceName(300)).isEqualTo("cpsbx-300");
        assertThat(network.capacity()).isEqualTo(65533);
        assertThatThrownBy(() -> network.sandboxAddress(65534))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EgressNetwork("cpsbx", "10.213.0.1/16"))
                .hasMessageContaining("host bits");
        assertThatThrownBy(() -> new EgressNetwork("cpsbx", "10.213.0.0/28"))
                .hasMessageContaining("/8 to /24");
        assertThatThrownBy(() -> new EgressNetwork("cpsbx", "300.1.0.0/16"))
                .hasMessageContaining("CIDR");
        assertThatThrownBy(() -> new EgressNetwork("much-too-long", "10.0.0.0/8"))
                .hasMessageContaining("interface prefix");
    }

    @Test
    void imageNamesAreSimpleNames() {
        assertThat(SandboxSpec.defaults("base-1.0").image()).isEqualTo("base-1.0");
        assertThatThrownBy(() -> SandboxSpec.defaults("../x")).hasMessageContaining("image");
    }
}
