package pro.codai.platform.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import pro.codai.platform.audit.AuditLog;
import pro.codai.platform.quota.RunBudgets;

/**
 * Issues, verifies and revokes API keys. A key is {@code cpk_} followed by 32 random bytes
 * (base64url); it is shown once, and only its SHA-256 digest is stored — a fast digest is enough
 * for a secret with 256 bits of entropy, and it lets a key be found by digest in one query.
 */
@ApplicationScoped
public class ApiKeys {

    static final String PREFIX = "cpk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    AuditLog audit;

    @Inject RunBudgets budgets;

    protected ApiKeys() {
        // for CDI
    }

    @Inject
    public ApiKeys(AuditLog audit) {
        this.audit = audit;
    }

    /** A new key and the secret to hand over (shown this once). */
    public record Issued(ApiKey key, String secret) {}

    /** Most live personal keys one person may hold. */
    public static final int PERSONAL_KEY_LIMIT = 10;

    /** Hourly run budget of a personal key. */
    public static final int PERSONAL_RUNS_PER_HOUR = 600;

    /** A service key (no owner), issued by an administrator. */
    @Transactional
    public Issued issue(String name, Set<String> scopes, int runsPerHour, String issuedBy) {
        return issue(name, scopes, runsPerHour, issuedBy, null);
    }

    /**
     * A personal key for the run API, owned by {@code ownerSubject}; refused when the person
     * already holds {@link #PERSONAL_KEY_LIMIT} live keys.
     */
    @Transactional
    public Issued issuePersonal(String ownerSubject, String name, String issuedBy) {
        if (ownerSubject == null || ownerSubject.isBlank()) {
            throw new IllegalArgumentException("a personal key needs an owner");
        }
        long live = ownedBy(ownerSubject).stream().filter(key -> !key.isRevoked()).count();
        if (live >= PERSONAL_KEY_LIMIT) {
            throw new IllegalArgumentException(
                    "you already have "
                            + PERSONAL_KEY_LIMIT
                            + " keys; revoke one you no longer use first");
        }
        return issue(
                name, Set.of(ApiKey.SCOPE_RUNS), PERSONAL_RUNS_PER_HOUR, issuedBy, ownerSubject);
    }

    private Issued issue(
            String name, Set<String> scopes, int runsPerHour, String issuedBy, String owner) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name must be 1 to 100 characters");
        }
        if (scopes == null || scopes.isEmpty() || !ApiKey.SCOPES.containsAll(scopes)) {
            throw new IllegalArgumentException("scopes must be some of " + ApiKey.SCOPES);
        }
        if (runsPerHour < 0 || runsPerHour > 1_000_000) {
            throw new IllegalArgumentException("runsPerHour must be between 0 and 1000000");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        ApiKey key =
                new ApiKey(
                        name.strip(),
                        secret.substring(0, 12),
                        digest(secret),
                        scopes,
                        runsPerHour,
                        issuedBy,
                        owner);
        entityManager.persist(key);
        entityManager.flush();
        audit.record(issuedBy, "api-key.issued", "api-key:" + key.id(), key.name());
        return new Issued(key, secret);
    }

    /**
     * The live key with this secret, if any: not revoked, and not a personal key of a person an
     * administrator suspended (read from the database on every call, so a suspension holds on every
     * node at once).
     */
    @Transactional
    public Optional<ApiKey> verify(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
            return Optional.empty();
        }
        return entityManager
                .createNamedQuery(ApiKey.BY_DIGEST, ApiKey.class)
                .setParameter("digest", digest(secret))
                .getResultStream()
                .filter(key -> !key.isRevoked())
                .filter(key -> key.ownerSubject() == null || !ownerSuspended(key.ownerSubject()))
                .findFirst();
    }

    private boolean ownerSuspended(String owner) {
        return !entityManager
                .createQuery(
                        "SELECT p.id FROM UserProfile p WHERE p.subject = :owner"
                                + " AND p.suspendedAt IS NOT NULL",
                        Long.class)
                .setParameter("owner", owner)
                .getResultList()
                .isEmpty();
    }

    @Transactional
    public List<ApiKey> list() {
        return entityManager.createNamedQuery(ApiKey.ALL, ApiKey.class).getResultList();
    }

    /** The keys a person owns, revoked ones included (newest last). */
    @Transactional
    public List<ApiKey> ownedBy(String ownerSubject) {
        return entityManager
                .createNamedQuery(ApiKey.BY_OWNER, ApiKey.class)
                .setParameter("owner", ownerSubject)
                .getResultList();
    }

    /**
     * Revokes one of the person's own keys; false if there is no such key <em>of theirs</em> —
     * another person's key is answered exactly like a missing one.
     */
    @Transactional
    public boolean revokeOwned(long id, String ownerSubject, String revokedBy) {
        ApiKey key = entityManager.find(ApiKey.class, id);
        if (key == null || !ownerSubject.equals(key.ownerSubject())) {
            return false;
        }
        return revoke(id, revokedBy);
    }

    /** Revokes the key; false if there is no such key. Revoking twice is harmless. */
    @Transactional
    public boolean revoke(long id, String revokedBy) {
        ApiKey key = entityManager.find(ApiKey.class, id);
        if (key == null) {
            return false;
        }
        if (!key.isRevoked()) {
            key.revoke();
            audit.record(revokedBy, "api-key.revoked", "api-key:" + id, key.name());
        }
        return true;
    }

    /**
     * Counts one run against the key's hourly budget ({@link RunBudgets}); false (and nothing
     * counted) when the budget of the last hour is spent.
     */
    public boolean tryCountRun(ApiKey key) {
        return budgets.tryCount("api-key:" + key.id(), key.runsPerHour());
    }

    static String digest(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
