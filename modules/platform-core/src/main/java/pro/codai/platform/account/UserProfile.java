package pro.codai.platform.account;

import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A person known to the appliance. Created on first sign-in from the identity provider's token; the
 * identity provider owns credentials, so there is no password here.
 */
@Entity
@Table(name = "user_profile")
@NamedQuery(
        name = UserProfile.FIND_BY_SUBJECT,
        query = "SELECT p FROM UserProfile p WHERE p.subject = :subject")
@NamedQuery(name = UserProfile.COUNT_ALL, query = "SELECT COUNT(p) FROM UserProfile p")
public class UserProfile {

    static final String FIND_BY_SUBJECT = "UserProfile.findBySubject";
    static final String COUNT_ALL = "UserProfile.countAll";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    /** The identity provider's stable subject identifier ({@code sub} claim). */
    @Column(name = "subject", nullable = false, unique = true, updatable = false, length = 255)
    private String subject;

    @Column(name = "email", nullable = false, length = 320)
    private String email;

    @Column(name = "display_name", nullable = false, length = 200)
    private String displayName;

    @Enumerated(EnumType.STRING)
    @Column(name = "role", nullable = false, length = 20)
    private Role role;

    @Enumerated(EnumType.STRING)
    @Column(name = "plan", nullable = false, length = 20)
    private Plan plan;

    @Column(name = "profile_completed", nullable = false)
    private boolean profileCompleted;

    /** The name the person signs in with (Keycloak's {@code preferred_username}). */
    @Column(name = "username", length = 255)
    private String username;

    @Enumerated(EnumType.STRING)
    @Column(name = "account_kind", length = 20)
    private AccountKind accountKind;

    @Column(name = "institution", length = 200)
    private String institution;

    @Column(name = "programme", length = 200)
    private String programme;

    @Column(name = "onboarding_done", nullable = false)
    private boolean onboardingDone;

    @Column(name = "last_sign_in_at")
    private Instant lastSignInAt;

    /** The role an administrator set, which wins over the directory's; null: the directory's. */
    @Enumerated(EnumType.STRING)
    @Column(name = "role_override", length = 20)
    private Role roleOverride;

    /** The plan an administrator set, which wins over the directory's; null: the directory's. */
    @Enumerated(EnumType.STRING)
    @Column(name = "plan_override", length = 20)
    private Plan planOverride;

    /** The role the directory gave at the last sign-in (null: none since this was recorded). */
    @Enumerated(EnumType.STRING)
    @Column(name = "directory_role", length = 20)
    private Role directoryRole;

    @Enumerated(EnumType.STRING)
    @Column(name = "directory_plan", length = 20)
    private Plan directoryPlan;

    /** When an administrator suspended the person; null while they may sign in. */
    @Column(name = "suspended_at")
    private Instant suspendedAt;

    @Column(name = "suspended_by", length = 255)
    private String suspendedBy;

    /** When an administrator last ended all the person's sessions. */
    @Column(name = "sessions_ended_at")
    private Instant sessionsEndedAt;

    /** Moves with {@link #suspendedAt} and {@link #sessionsEndedAt}: what server nodes watch. */
    @Column(name = "access_changed_at")
    private Instant accessChangedAt;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected UserProfile() {
        // for JPA
    }

    public UserProfile(String subject, String email, String displayName, Role role, Plan plan) {
        this.subject = requireText(subject, "subject");
        this.email = requireText(email, "email");
        this.displayName = requireText(displayName, "displayName");
        this.role = Objects.requireNonNull(role, "role");
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @PrePersist
    void stampCreation() {
        Instant now = Instant.now();
        createdAt = now;
        updatedAt = now;
    }

    @PreUpdate
    void stampUpdate() {
        updatedAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public String getSubject() {
        return subject;
    }

    public String getEmail() {
        return email;
    }

    public String getDisplayName() {
        return displayName;
    }

    public Role getRole() {
        return role;
    }

    public Plan getPlan() {
        return plan;
    }

    public boolean isProfileCompleted() {
        return profileCompleted;
    }

    public String getUsername() {
        return username;
    }

    public AccountKind getAccountKind() {
        return accountKind;
    }

    public String getInstitution() {
        return institution;
    }

    public String getProgramme() {
        return programme;
    }

    public boolean isOnboardingDone() {
        return onboardingDone;
    }

    public Instant getLastSignInAt() {
        return lastSignInAt;
    }

    public Role getRoleOverride() {
        return roleOverride;
    }

    public Plan getPlanOverride() {
        return planOverride;
    }

    public Instant getSuspendedAt() {
        return suspendedAt;
    }

    public String getSuspendedBy() {
        return suspendedBy;
    }

    public boolean isSuspended() {
        return suspendedAt != null;
    }

    public Instant getSessionsEndedAt() {
        return sessionsEndedAt;
    }

    public Instant getAccessChangedAt() {
        return accessChangedAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }

    /** Refreshes what the identity provider says about this person at sign-in. */
    public void updateIdentity(String email, String displayName) {
        this.email = requireText(email, "email");
        this.displayName = requireText(displayName, "displayName");
    }

    public void changeRole(Role role) {
        this.role = Objects.requireNonNull(role, "role");
    }

    public void changePlan(Plan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    public void markProfileCompleted() {
        this.profileCompleted = true;
    }

    /** What the person tells about themselves after their first sign-in. */
    public void completeProfile(AccountKind kind, String institution, String programme) {
        this.accountKind = Objects.requireNonNull(kind, "kind");
        this.institution = optionalText(institution, "institution", 200);
        this.programme = optionalText(programme, "programme", 200);
        this.profileCompleted = true;
    }

    public void markOnboardingDone() {
        this.onboardingDone = true;
    }

    /**
     * Refuses the person from {@code at}: sign-in, workspace, API keys. A suspension also ends
     * every session they have open.
     */
    void suspend(String by, Instant at) {
        suspendedAt = Objects.requireNonNull(at, "at");
        suspendedBy = requireText(by, "by");
        sessionsEndedAt = at;
        accessChangedAt = at;
    }

    void reinstate(Instant at) {
        suspendedAt = null;
        suspendedBy = null;
        accessChangedAt = Objects.requireNonNull(at, "at");
    }

    /**
     * An administrator's role for the person, in force at once and at every sign-in until cleared
     * (null: the directory's again — the one of their last sign-in now, and at every sign-in).
     */
    void overrideRole(Role role, Instant at) {
        roleOverride = role;
        if (role != null) {
            this.role = role;
        } else if (directoryRole != null) {
            this.role = directoryRole;
        }
        accessChangedAt = Objects.requireNonNull(at, "at");
    }

    /** As {@link #overrideRole}, for the plan. */
    void overridePlan(Plan plan, Instant at) {
        planOverride = plan;
        if (plan != null) {
            this.plan = plan;
        } else if (directoryPlan != null) {
            this.plan = directoryPlan;
        }
        accessChangedAt = Objects.requireNonNull(at, "at");
    }

    /** What the directory says at a sign-in, kept for when an administrator's choice is cleared. */
    void recordDirectoryView(Role role, Plan plan) {
        directoryRole = role;
        directoryPlan = plan;
    }

    /** The role the directory gave at the last sign-in; null when not known. */
    public Role getDirectoryRole() {
        return directoryRole;
    }

    /** Every session the person opened before {@code at} ends (they may sign in again). */
    void endSessions(Instant at) {
        sessionsEndedAt = Objects.requireNonNull(at, "at");
        accessChangedAt = at;
    }

    void recordSignIn(String username, Instant at) {
        this.username = username;
        this.lastSignInAt = at;
    }

    private static String optionalText(String value, String name, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String stripped = value.strip();
        if (stripped.length() > maxLength) {
            throw new IllegalArgumentException(
                    name + " must be at most " + maxLength + " characters");
        }
        return stripped;
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value.strip();
    }
}
