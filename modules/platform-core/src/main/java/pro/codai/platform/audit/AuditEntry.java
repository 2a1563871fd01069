package pro.codai.platform.audit;

import java.io.Serializable;
import java.time.Instant;

/**
 * An audit event as shown to a reviewer: the actor and a person named as target resolved to their
 * name and e-mail where the server knows them (null otherwise, e.g. {@code directory} or a person
 * who never signed in).
 */
public record AuditEntry(
        long id,
        Instant occurredAt,
        String actor,
        String actorName,
        String actorEmail,
        String action,
        String target,
        String targetName,
        String targetEmail,
        String detail)
        implements Serializable {

    /** The target prefix of events done to a person: {@code user:<subject>}. */
    public static final String PERSON_TARGET = "user:";

    /** Who did it, as a reviewer reads it: "Name <e-mail>", else the recorded actor. */
    public String who() {
        return person(actorName, actorEmail, actor);
    }

    /** What it was done to: a person as "Name <e-mail>", anything else as recorded. */
    public String what() {
        return target == null ? "" : person(targetName, targetEmail, target);
    }

    /** A person as a reviewer reads them: "Name <e-mail>", else {@code recorded}. */
    public static String person(String name, String email, String recorded) {
        if (name == null) {
            return recorded;
        }
        return email == null || email.equals("-") ? name : name + " <" + email + ">";
    }
}
