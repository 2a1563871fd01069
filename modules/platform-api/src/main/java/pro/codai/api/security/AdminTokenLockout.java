package pro.codai.api.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;

import pro.codai.platform.web.ClientAddress;

/**
 * Brute-force protection of the administrator token, per client address, with the numbers the
 * realm's brute-force protection uses for sign-in: after every {@value #FAILURE_FACTOR} wrong
 * tokens the address is locked out for {@link #WAIT_INCREMENT} times the number of lockouts so far,
 * at most {@link #MAX_WAIT}; failures are forgotten {@link #FORGET_AFTER} after the last one, or at
 * a successful use. While locked out, the right token is refused too (so guessing cannot go on in
 * the background). An IPv6 client counts by its /64, which one host usually has whole.
 *
 * <p>Thread-safe: the admin token is used rarely, so one lock serves all addresses. At most {@value
 * #MAX_ADDRESSES} addresses are remembered, the least recently seen forgotten first.
 */
@ApplicationScoped
public class AdminTokenLockout {

    static final int FAILURE_FACTOR = 5;
    static final Duration WAIT_INCREMENT = Duration.ofSeconds(60);
    static final Duration MAX_WAIT = Duration.ofMinutes(15);
    static final Duration FORGET_AFTER = Duration.ofHours(12);
    static final int MAX_ADDRESSES = 10_000;

    private static final Logger LOG = Logger.getLogger(AdminTokenLockout.class.getName());

    private final Clock clock;

    private final Map<String, Failures> byClient =
            new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                    return size() > MAX_ADDRESSES;
                }
            };

    /** Wrong tokens from one client since its failures were last forgotten. */
    private static final class Failures {
        int count;
        int lockouts;
        Instant last;
        Instant lockedUntil = Instant.MIN;
    }

    public AdminTokenLockout() {
        this(Clock.systemUTC());
    }

    AdminTokenLockout(Clock clock) {
        this.clock = clock;
    }

    /** How much longer the client is locked out; zero when it is not. */
    public synchronized Duration remaining(String address) {
        Failures failures = byClient.get(client(address));
        if (failures == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), failures.lockedUntil);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Counts a wrong token; returns the lockout it starts, or zero. */
    public synchronized Duration failed(String address) {
        String client = client(address);
        Instant now = clock.instant();
        Failures failures = byClient.computeIfAbsent(client, c -> new Failures());
        if (failures.last != null
                && Duration.between(failures.last, now).compareTo(FORGET_AFTER) > 0) {
            failures.count = 0;
            failures.lockouts = 0;
        }
        failures.count++;
        failures.last = now;
        if (failures.count % FAILURE_FACTOR != 0) {
            return Duration.ZERO;
        }
        failures.lockouts++;
        Duration wait = WAIT_INCREMENT.multipliedBy(failures.lockouts);
        if (wait.compareTo(MAX_WAIT) > 0) {
            wait = MAX_WAIT;
        }
        failures.lockedUntil = now.plus(wait);
        LOG.warning(
                "admin token: "
                        + failures.count
                        + " wrong tokens from "
                        + client
                        + "; refused for "
                        + wait.toSeconds()
                        + " s");
        return wait;
    }

    /** A right token used while not locked out: the client's failures are forgotten. */
    public synchronized void succeeded(String address) {
        byClient.remove(client(address));
    }

    /** Clients remembered now. */
    synchronized int remembered() {
        return byClient.size();
    }

    /** The client an address stands for: itself, or its /64 for IPv6. */
    static String client(String address) {
        return ClientAddress.counted(address);
    }
}
