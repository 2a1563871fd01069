package pro.codai.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class AdminTokenLockoutTest {

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-01T08:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    TestClock clock = new TestClock();
    AdminTokenLockout lockout = new AdminTokenLockout(clock);

    private Duration failTimes(String address, int times) {
        Duration last = Duration.ZERO;
        for (int i = 0; i < times; i++) {
            last = lockout.failed(address);
        }
        return last;
    }

    @Test
    void theFifthWrongTokenLocksTheAddressOutForAMinute() {
        assertThat(failTimes("203.0.113.9", 4)).isZero();
        assertThat(lockout.remaining("203.0.113.9")).isZero();

        assertThat(lockout.failed("203.0.113.9")).isEqualTo(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(59));
        assertThat(lockout.remaining("203.0.113.9")).isEqualTo(Duration.ofSeconds(1));
        assertThat(lockout.remaining("203.0.113.10")).as("another address").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(lockout.remaining("203.0.113.9")).isZero();
    }

    @Test
    void eachFurtherLockoutIsLongerUpToFifteenMinutes() {
        String address = "198.51.100.7";
        assertThat(failTimes(address, 5)).isEqualTo(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(failTimes(address, 5)).isEqualTo(Duration.ofMinutes(2));
        clock.advance(Duration.ofMinutes(2));
        assertThat(failTimes(address, 5)).isEqualTo(Duration.ofMinutes(3));
        for (int round = 0; round < 20; round++) {
            clock.advance(lockout.remaining(address));
            failTimes(address, 5);
        }
        assertThat(lockout.remaining(address)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void failuresAreForgottenTwelveHoursAfterTheLastOne() {
        String address = "192.0.2.1";
        failTimes(address, 4);
        clock.advance(Duration.ofHours(12).plusSeconds(1));

        assertThat(lockout.failed(address)).as("counting starts again").isZero();
        assertThat(failTimes(address, 3)).isZero();
        assertThat(lockout.failed(address)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aSuccessfulUseForgetsTheAddressesFailures() {
        failTimes("192.0.2.2", 4);
        lockout.succeeded("192.0.2.2");

        assertThat(failTimes("192.0.2.2", 4)).isZero();
        assertThat(lockout.remaining("192.0.2.2")).isZero();
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        failTimes("2001:db8:1:2::a", 2);
        failTimes("2001:db8:1:2:ffff:1:2:3", 3);

        assertThat(lockout.remaining("2001:db8:1:2::1")).isEqualTo(Duration.ofMinutes(1));
        assertThat(lockout.remaining("2001:db8:1:3::a")).isZero();
        assertThat(AdminTokenLockout.client("2001:db8:1:2:ffff:1:2:3"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(AdminTokenLockout.client("::ffff:192.0.2.5")).isEqualTo("192.0.2.5");
        assertThat(AdminTokenLockout.client("127.0.0.1")).isEqualTo("127.0.0.1");
    }

    @Test
    void theAddressesRememberedAreBounded() {
        for (int i = 0; i < AdminTokenLockout.MAX_ADDRESSES + 10; i++) {
            lockout.failed("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        failTimes("192.0.2.3", 5);

        assertThat(lockout.remembered()).isEqualTo(AdminTokenLockout.MAX_ADDRESSES);
        assertThat(lockout.remaining("192.0.2.3")).isEqualTo(Duration.ofMinutes(1));
    }
}
