package pro.codai.platform.run;

import pro.codai.platform.apikey.ApiKey;

/**
 * The names runs are queued under ({@link RunService#run(RunRequest, String)}): the run queue caps
 * the slots one name holds at once and serves names in turn. A person is one name whether they call
 * with a token or with one of their personal keys; a service key (Moodle's Jobe key, a grading
 * script's key) is a name of its own.
 */
public final class RunCallers {

    /**
     * Every Jobe caller when the Jobe API takes no keys ({@code codaipro.jobe.require-api-key}).
     */
    public static final String ANONYMOUS = "anonymous";

    /** The break-glass administrator token. */
    public static final String ADMIN_TOKEN = "admin-token";

    private RunCallers() {}

    /** A person, by their Keycloak subject. */
    public static String person(String subject) {
        return "person:" + subject;
    }

    /** A key: its owner for a personal key, else the key itself. */
    public static String apiKey(ApiKey key) {
        return key.ownerSubject() != null ? person(key.ownerSubject()) : "api-key:" + key.id();
    }
}
