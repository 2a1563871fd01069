package pro.codai.platform.account;

/**
 * Which people a search finds: part of a name or e-mail address (any case), a role, a plan, and
 * whether suspended; each null finds everyone.
 */
public record PeopleFilter(String text, Role role, Plan plan, Boolean suspended) {

    /** Everyone. */
    public static final PeopleFilter ALL = new PeopleFilter(null, null, null, null);

    public PeopleFilter {
        text = text == null || text.isBlank() ? null : text.strip();
        if (text != null && text.length() > 255) {
            throw new IllegalArgumentException("search must be at most 255 characters");
        }
    }

    /** Those whose name or address contains {@code text}. */
    public static PeopleFilter containing(String text) {
        return new PeopleFilter(text, null, null, null);
    }
}
