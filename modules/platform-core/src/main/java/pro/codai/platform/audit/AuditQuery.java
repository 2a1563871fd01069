package pro.codai.platform.audit;

import java.io.Serializable;
import java.time.Instant;

/**
 * What an audit search asks for; every part is optional (null or blank: any).
 *
 * @param person a person, by part of their name or e-mail address, or their exact subject: the
 *     events they did and the events done to them (target {@code user:<subject>})
 * @param action one action exactly, e.g. {@code api-key.revoked}
 * @param target part of the target, e.g. {@code api-key:12}
 * @param from the earliest time, inclusive
 * @param to the latest time, exclusive
 */
public record AuditQuery(String person, String action, String target, Instant from, Instant to)
        implements Serializable {

    /** The longest text a search takes in one field (a target or subject is at most 255). */
    public static final int MAX_TEXT = 255;

    public static final AuditQuery EVERYTHING = new AuditQuery(null, null, null, null, null);

    /** Refuses a query no event could match for a reason the asker should hear about. */
    public AuditQuery {
        person = blankAsNull(person, "person");
        action = blankAsNull(action, "action");
        target = blankAsNull(target, "target");
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    private static String blankAsNull(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException(
                    name + " must be at most " + MAX_TEXT + " characters");
        }
        return text;
    }

    /** The query in a few words, for the audit record of an export. */
    public String describe() {
        StringBuilder words = new StringBuilder();
        append(words, "person", person);
        append(words, "action", action);
        append(words, "target", target);
        append(words, "from", from == null ? null : from.toString());
        append(words, "to", to == null ? null : to.toString());
        return words.isEmpty() ? "everything" : words.toString();
    }

    private static void append(StringBuilder words, String name, String value) {
        if (value != null) {
            words.append(words.isEmpty() ? "" : ", ").append(name).append('=').append(value);
        }
    }
}
