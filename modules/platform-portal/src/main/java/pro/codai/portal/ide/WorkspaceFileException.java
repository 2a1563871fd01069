package pro.codai.portal.ide;

/**
 * A file operation refused or failed in the workspace; {@link #kind()} says which way (the helper's
 * error kinds, e.g. {@code link}, {@code not-found}, {@code too-large}).
 */
public final class WorkspaceFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String kind;

    public WorkspaceFileException(String kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }

    /** The HTTP status that tells a client what went wrong. */
    public int status() {
        return switch (kind) {
            case "bad-path", "bad-archive", "bad-url" -> 400;
            case "forbidden-host", "git-off" -> 403;
            case "clone-failed" -> 502;
            case "not-found" -> 404;
            case "exists", "link", "not-a-file", "not-a-directory" -> 409;
            case "too-large" -> 413;
            case "quota" -> 429;
            case "full" -> 507;
            default -> 500;
        };
    }

    public String title() {
        return switch (kind) {
            case "bad-path" -> "Bad path";
            case "bad-archive" -> "Archive refused";
            case "bad-url" -> "Bad repository address";
            case "forbidden-host" -> "Host not allowed";
            case "git-off" -> "Cloning is off";
            case "clone-failed" -> "Clone failed";
            case "not-found" -> "Not found";
            case "exists" -> "Already exists";
            case "link" -> "Link refused";
            case "not-a-file" -> "Not a file";
            case "not-a-directory" -> "Not a folder";
            case "too-large" -> "Too large";
            case "quota" -> "Try Now time used up";
            case "full" -> "Your home is full";
            default -> "File operation failed";
        };
    }
}
