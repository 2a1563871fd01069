package pro.codai.portal.admin;

import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.analytics.RunRecords;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.portal.account.CurrentAccount;
import pro.codai.portal.ide.LiveWorkspace;
import pro.codai.portal.ide.Workspaces;
import pro.codai.sandbox.connector.api.WarmPoolState;

/**
 * Live sessions ({@code /admin/live.xhtml}): the open workspaces with what each uses now, refreshed
 * every few seconds, and the sandbox host's warm pool; an administrator can end a workspace.
 */
@Named
@ViewScoped
public class LivePage implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject transient Workspaces workspaces;
    @Inject transient UserProfiles profiles;
    @Inject transient CurrentAccount account;
    @Inject transient RunRecords runRecords;

    /** The runs of the last minute, every server's. */
    private RunRecords.Recent runs = new RunRecords.Recent(Instant.EPOCH, 0, Map.of());

    /** A workspace as a row: the person by name and address. */
    public record Row(LiveWorkspace workspace, String who) implements Serializable {}

    private List<Row> rows = List.of();
    private WarmPoolState warmPool;

    /** Reads the workspaces and the warm pool again (at the page's start and each refresh). */
    @PostConstruct
    public void refresh() {
        Map<String, String> names = new HashMap<>();
        rows =
                workspaces.live().stream()
                        .map(
                                live ->
                                        new Row(
                                                live,
                                                names.computeIfAbsent(
                                                        live.subject(), this::nameOf)))
                        .toList();
        warmPool = workspaces.warmPool().orElse(null);
        runs = runRecords.since(Instant.now().minusSeconds(60));
    }

    /** Runs through the run and Jobe APIs in the last minute. */
    public long getRunsLastMinute() {
        return runs.runs();
    }

    /** Runs refused in the last minute because the servers were full. */
    public long getRefusedLastMinute() {
        return runs.outcomes().getOrDefault("OVERLOAD", 0L);
    }

    /** The last minute's runs by outcome, e.g. "COMPILE_ERROR 3, OK 12". */
    public String getRunOutcomes() {
        return runs.outcomes().entrySet().stream()
                .map(outcome -> outcome.getKey() + " " + outcome.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Whether no warm sandbox is ready though some should be: new workspaces start cold. */
    public boolean isWarmPoolEmpty() {
        return warmPool != null && warmPool.target() > 0 && warmPool.available() == 0;
    }

    private String nameOf(String subject) {
        Optional<UserProfile> profile = profiles.findBySubject(subject);
        return profile.map(p -> AuditEntry.person(p.getDisplayName(), p.getEmail(), subject))
                .orElse(subject);
    }

    /**
     * Ends the workspace in this sandbox of this person (never one started since the page was
     * drawn); says so, or that it had already ended.
     */
    public void end(String subject, String sandbox) {
        boolean ended = workspaces.endForAdministrator(subject, sandbox, account.subject());
        FacesContext.getCurrentInstance()
                .addMessage(
                        null,
                        new FacesMessage(
                                ended ? FacesMessage.SEVERITY_INFO : FacesMessage.SEVERITY_WARN,
                                ended
                                        ? "The workspace of " + nameOf(subject) + " was ended."
                                        : "That workspace had already ended.",
                                null));
        refresh();
    }

    public List<Row> getRows() {
        return rows;
    }

    public WarmPoolState getWarmPool() {
        return warmPool;
    }

    /** Bytes as people read them: "512 KB", "1.5 MB", "2.0 GB"; "—" when unknown. */
    public String bytes(long bytes) {
        return size(bytes);
    }

    /** A size as people read it (KB, MB, GB); a dash when unknown (negative). */
    static String size(long bytes) {
        if (bytes < 0) {
            return "—";
        }
        if (bytes < 1024 * 1024) {
            return (bytes + 1023) / 1024 + " KB";
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format("%.1f GB", bytes / (1024.0 * 1024 * 1024));
    }

    public String utc(Instant time) {
        return AuditPage.inUtc(time);
    }
}
