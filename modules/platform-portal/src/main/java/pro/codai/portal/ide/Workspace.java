package pro.codai.portal.ide;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.Base64;

import jakarta.websocket.CloseReason;

import pro.codai.sandbox.connector.api.SandboxConnection;
import pro.codai.sandbox.connector.api.SandboxConnectionFactory;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * A student's Try Now workspace: their own running sandbox with their volume as home, and its
 * terminal. Lives while a tab shows it and for the grace period after the last one closed, and
 * keeps the day's Try Now time: it counts while a tab shows the workspace.
 */
final class Workspace {

    private final String subject;
    private final String sandbox;
    private final long allowanceSeconds;
    private final long startedMillis = System.currentTimeMillis();
    private final String previewToken = newToken();
    private TerminalHub terminal;

    private LocalDate day;
    private long usedMillis;
    private long savedMillis;
    private long meteredUntilMillis = startedMillis;
    private volatile long lastActivityMillis = startedMillis;
    private long lastCpuNanos = -1;

    /**
     * @param allowanceSeconds Try Now seconds a day the person's plan allows, or {@link
     *     pro.codai.platform.quota.TryNowQuotas#UNLIMITED}
     * @param usedSeconds seconds already used on {@code day}
     */
    Workspace(
            String subject,
            String sandbox,
            long allowanceSeconds,
            LocalDate day,
            long usedSeconds) {
        this.subject = subject;
        this.sandbox = sandbox;
        this.allowanceSeconds = allowanceSeconds;
        this.day = day;
        this.usedMillis = usedSeconds * 1000;
        this.savedMillis = usedMillis;
    }

    /** How long ago the workspace started. */
    long ageMillis() {
        return System.currentTimeMillis() - startedMillis;
    }

    long startedMillis() {
        return startedMillis;
    }

    String subject() {
        return subject;
    }

    String sandbox() {
        return sandbox;
    }

    /** The secret in the workspace's preview address; it dies with the workspace. */
    String previewToken() {
        return previewToken;
    }

    private static String newToken() {
        byte[] token = new byte[18];
        new SecureRandom().nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The workspace's terminal, opened (again, if its shell ended) at the given size. */
    synchronized TerminalHub terminal(SandboxConnectionFactory sandboxes, int columns, int rows)
            throws SandboxConnectorException {
        if (terminal == null || terminal.isEnded()) {
            TerminalHub hub = new TerminalHub(this);
            try (SandboxConnection connection = sandboxes.getConnection()) {
                hub.connect(connection.openTerminal(sandbox, columns, rows, hub));
            }
            terminal = hub;
        }
        return terminal;
    }

    /** Something the student did: typed, saved, or their programs used the CPU. */
    void touch() {
        lastActivityMillis = System.currentTimeMillis();
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    /** Whether no tab has shown the workspace for {@code graceMillis}. */
    synchronized boolean unattendedFor(long graceMillis, long nowMillis) {
        if (terminal == null || !terminal.hasTabs()) {
            long since = terminal == null ? startedMillis : terminal.lastAttachedMillis();
            return nowMillis - Math.max(since, lastActivityMillis) >= graceMillis;
        }
        return false;
    }

    /** Closes the terminal's tabs that went silent (see {@link TerminalHub#closeSilentTabs}). */
    synchronized void closeSilentTabs(long silenceMillis, long nowMillis) {
        if (terminal != null) {
            terminal.closeSilentTabs(silenceMillis, nowMillis);
        }
    }

    /** Whether a tab shows the workspace. */
    synchronized boolean shown() {
        return terminal != null && terminal.hasTabs();
    }

    /** Notes CPU time of the sandbox; true when it grew by at least {@code busyNanos}. */
    synchronized boolean cpuBusy(long cpuNanos, long busyNanos) {
        boolean busy = lastCpuNanos >= 0 && cpuNanos - lastCpuNanos >= busyNanos;
        lastCpuNanos = cpuNanos;
        return busy;
    }

    /**
     * Counts the time since the last call as used if a tab shows the workspace or something
     * happened in it within {@code activeMillis} (a program busy with no tab open counts too);
     * starts a new count when the day changed. Returns the day's used time.
     */
    synchronized long meter(long nowMillis, LocalDate today, long activeMillis) {
        if (shown() || nowMillis - lastActivityMillis < activeMillis) {
            usedMillis += Math.max(0, nowMillis - meteredUntilMillis);
        }
        meteredUntilMillis = nowMillis;
        if (!today.equals(day)) {
            day = today;
            usedMillis = 0;
            savedMillis = 0;
        }
        return usedMillis;
    }

    /** Whole seconds used but not yet saved, now taken as saved; and the day they belong to. */
    synchronized Unsaved takeUnsaved() {
        long seconds = (usedMillis - savedMillis) / 1000;
        savedMillis += seconds * 1000;
        return new Unsaved(day, seconds);
    }

    record Unsaved(LocalDate day, long seconds) {}

    long allowanceSeconds() {
        return allowanceSeconds;
    }

    synchronized long usedSeconds() {
        return usedMillis / 1000;
    }

    /** Whether the plan's daily time is used up. */
    synchronized boolean usedUp() {
        return allowanceSeconds >= 0 && usedMillis >= allowanceSeconds * 1000;
    }

    /** Ends the terminal, telling its tabs why. */
    synchronized void closeTerminal(CloseReason reason) {
        if (terminal != null) {
            terminal.close(reason);
            terminal = null;
        }
    }
}
