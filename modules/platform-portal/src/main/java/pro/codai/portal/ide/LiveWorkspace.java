package pro.codai.portal.ide;

import java.io.Serializable;
import java.time.Instant;

/**
 * An open workspace as the admin console shows it. Figures sandboxd could not give are -1.
 *
 * @param idleSeconds since the last keystroke, file operation or busy program
 * @param cpuMillis CPU the sandbox used since it started
 * @param memoryBytes memory the sandbox uses now
 * @param processes processes and threads in the sandbox now
 * @param homeUsedBytes what the person's home volume holds
 * @param homeTotalBytes the home volume's size
 */
public record LiveWorkspace(
        String subject,
        String sandbox,
        Instant startedAt,
        long idleSeconds,
        long cpuMillis,
        long memoryBytes,
        int processes,
        long homeUsedBytes,
        long homeTotalBytes)
        implements Serializable {

    /** The CPU used as people read it: "12.3 s", "—" when unknown. */
    public String cpu() {
        return cpuMillis < 0 ? "—" : String.format("%.1f s", cpuMillis / 1000.0);
    }

    /** The idle time as people read it: "12 min", "40 s". */
    public String idle() {
        return Quota.duration(idleSeconds);
    }
}
