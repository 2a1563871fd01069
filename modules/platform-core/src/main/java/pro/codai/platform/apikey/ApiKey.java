package pro.codai.platform.apikey;

import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.PrePersist;
import jakarta.persistence.Table;

/** An issued API key: its name, scopes and budget, and only a digest of the secret. */
@Entity
@Table(name = "api_key")
@NamedQuery(name = ApiKey.BY_DIGEST, query = "SELECT k FROM ApiKey k WHERE k.keyDigest = :digest")
@NamedQuery(name = ApiKey.ALL, query = "SELECT k FROM ApiKey k ORDER BY k.id")
@NamedQuery(
        name = ApiKey.BY_OWNER,
        query = "SELECT k FROM ApiKey k WHERE k.ownerSubject = :owner ORDER BY k.id")
public class ApiKey {

    static final String BY_DIGEST = "ApiKey.byDigest";
    static final String ALL = "ApiKey.all";
    static final String BY_OWNER = "ApiKey.byOwner";

    /** May call {@code /api/v1/runs}. */
    public static final String SCOPE_RUNS = "runs";

    /** May call the Jobe-compatible API. */
    public static final String SCOPE_JOBE = "jobe";

    public static final Set<String> SCOPES = Set.of(SCOPE_RUNS, SCOPE_JOBE);

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "name", nullable = false, length = 100)
    private String name;

    /** The key's first characters, enough to recognise it in a list, not to use it. */
    @Column(name = "key_prefix", nullable = false, updatable = false, length = 16)
    private String keyPrefix;

    @Column(name = "key_digest", nullable = false, updatable = false, length = 64)
    private String keyDigest;

    @Column(name = "scopes", nullable = false, length = 100)
    private String scopes;

    @Column(name = "runs_per_hour", nullable = false)
    private int runsPerHour;

    @Column(name = "created_by", nullable = false, updatable = false, length = 255)
    private String createdBy;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    /** The person a personal key belongs to (their subject); none for a service key. */
    @Column(name = "owner_subject", updatable = false, length = 255)
    private String ownerSubject;

    protected ApiKey() {
        // for JPA
    }

    ApiKey(
            String name,
            String keyPrefix,
            String keyDigest,
            Set<String> scopes,
            int runsPerHour,
            String createdBy,
            String ownerSubject) {
        this.name = name;
        this.keyPrefix = keyPrefix;
        this.keyDigest = keyDigest;
        this.scopes = String.join(",", new TreeSet<>(scopes));
        this.runsPerHour = runsPerHour;
        this.createdBy = createdBy;
        this.ownerSubject = ownerSubject;
    }

    @PrePersist
    void stampCreation() {
        createdAt = Instant.now();
    }

    public Long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public Set<String> scopes() {
        return new TreeSet<>(Arrays.asList(scopes.split(",")));
    }

    public boolean allows(String scope) {
        return revokedAt == null && scopes().contains(scope);
    }

    /** Runs allowed per hour; 0 means no budget. */
    public int runsPerHour() {
        return runsPerHour;
    }

    public String createdBy() {
        return createdBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    /** The subject of the person a personal key belongs to; null for a service key. */
    public String ownerSubject() {
        return ownerSubject;
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }

    void revoke() {
        if (revokedAt == null) {
            revokedAt = Instant.now();
        }
    }
}
