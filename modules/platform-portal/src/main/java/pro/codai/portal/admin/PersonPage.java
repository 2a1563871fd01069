package pro.codai.portal.admin;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PostConstruct;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.PhaseId;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.account.PersonSummary;
import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.apikey.ApiKey;
import pro.codai.platform.apikey.ApiKeys;
import pro.codai.platform.audit.AuditEntry;
import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.audit.AuditQuery;
import pro.codai.platform.quota.TryNowQuotas;
import pro.codai.portal.account.CurrentAccount;
import pro.codai.portal.ide.LiveWorkspace;
import pro.codai.portal.ide.Workspaces;
import pro.codai.sandbox.api.VolumeStats;
import pro.codai.sandbox.connector.api.SandboxConnectorException;

/**
 * One person ({@code /admin/person.xhtml?subject=…}): who they are, their access (the People page's
 * buttons), their API keys (revoke), their workspace (open now, how full their home is) and their
 * latest audit events.
 */
@Named
@ViewScoped
public class PersonPage implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How many of the person's events the page shows (the audit log has them all). */
    static final int RECENT_EVENTS = 20;

    @Inject transient UserProfiles profiles;
    @Inject transient ApiKeys apiKeys;
    @Inject transient AuditLog auditLog;
    @Inject transient Workspaces workspaces;
    @Inject transient CurrentAccount account;
    @Inject transient TryNowQuotas quotas;

    /** A key as the page lists it: never its secret. */
    public record Key(
            long id,
            String name,
            String prefix,
            Set<String> scopes,
            Instant createdAt,
            Instant revokedAt)
            implements Serializable {

        static Key of(ApiKey key) {
            return new Key(
                    key.id(),
                    key.name(),
                    key.keyPrefix(),
                    key.scopes(),
                    key.createdAt(),
                    key.revokedAt());
        }

        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private String subject;

    /** The person of the page's address ({@code ?subject=}), for the life of the view. */
    @PostConstruct
    void readSubject() {
        subject =
                FacesContext.getCurrentInstance()
                        .getExternalContext()
                        .getRequestParameterMap()
                        .get("subject");
    }

    /** The person's Try Now time over the last days, as the People page counts it. */
    public String getTryNowWeek() {
        if (tryNowWeek == null) {
            tryNowWeek =
                    subject == null
                            ? "—"
                            : PeoplePage.duration(
                                    quotas.usedSecondsSince(
                                                    List.of(subject),
                                                    LocalDate.now()
                                                            .minusDays(PeoplePage.TRY_NOW_DAYS - 1))
                                            .getOrDefault(subject, 0L));
        }
        return tryNowWeek;
    }

    /** The Try Now figure, read once per view. */
    private String tryNowWeek;

    public String getSubject() {
        return subject;
    }

    /**
     * The person, read afresh for each request; kept for the drawing of the page only (an action of
     * this request may just have changed them).
     */
    public PersonSummary getPerson() {
        FacesContext context = FacesContext.getCurrentInstance();
        if (context.getCurrentPhaseId() != PhaseId.RENDER_RESPONSE) {
            return subject == null
                    ? null
                    : profiles.findBySubject(subject).map(PersonSummary::of).orElse(null);
        }
        String key = PersonPage.class.getName() + ".person";
        if (!context.getAttributes().containsKey(key)) {
            context.getAttributes()
                    .put(
                            key,
                            subject == null
                                    ? null
                                    : profiles.findBySubject(subject)
                                            .map(PersonSummary::of)
                                            .orElse(null));
        }
        return (PersonSummary) context.getAttributes().get(key);
    }

    public List<Key> getKeys() {
        return apiKeys.ownedBy(subject).stream().map(Key::of).toList();
    }

    /** Revokes one of the person's keys (a key of someone else is not touched). */
    public void revoke(long id) {
        boolean revoked = apiKeys.revokeOwned(id, subject, account.subject());
        FacesContext.getCurrentInstance()
                .addMessage(
                        null,
                        revoked
                                ? new FacesMessage(
                                        FacesMessage.SEVERITY_INFO, "The key was revoked.", null)
                                : new FacesMessage(
                                        FacesMessage.SEVERITY_WARN,
                                        "That key is not one of theirs.",
                                        null));
    }

    /** Their open workspace, if they have one on this server. */
    public LiveWorkspace getWorkspace() {
        return workspaces.live().stream()
                .filter(live -> live.subject().equals(subject))
                .findFirst()
                .orElse(null);
    }

    /** How full their home is, e.g. "12 KB of 512.0 MB"; unknown when sandboxd does not say. */
    public String getHome() {
        Optional<VolumeStats> home;
        try {
            home = Optional.of(workspaces.home(subject));
        } catch (SandboxConnectorException e) {
            home = Optional.empty();
        }
        return home.map(
                        stats ->
                                LivePage.size(stats.usedBytes())
                                        + " of "
                                        + LivePage.size(stats.totalBytes()))
                .orElse("unknown (the sandbox service does not answer)");
    }

    public List<AuditEntry> getEvents() {
        return auditLog.search(new AuditQuery(subject, null, null, null, null), 0, RECENT_EVENTS);
    }

    public String utc(Instant time) {
        return time == null ? "—" : AuditPage.inUtc(time);
    }
}
