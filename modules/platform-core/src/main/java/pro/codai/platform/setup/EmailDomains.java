package pro.codai.platform.setup;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The campus's student email domains as an administrator types them. */
public final class EmailDomains {

    /** More than this is a list pasted by mistake. */
    static final int MAX_DOMAINS = 50;

    private EmailDomains() {}

    /**
     * The domains of a list separated by commas, blanks or lines, in lower case, without
     * duplicates. An address ({@code student@uni.example}) or a pattern ({@code *.uni.example}) is
     * refused with a hint; an empty list is allowed.
     */
    public static List<String> parse(String text) throws InvalidSetupInput {
        Set<String> domains = new LinkedHashSet<>();
        if (text != null) {
            for (String entry : text.trim().split("[,;\\s]+")) {
                if (entry.isEmpty()) {
                    continue;
                }
                if (entry.contains("@")) {
                    throw new InvalidSetupInput(
                            "'"
                                    + entry
                                    + "' is an address; enter only its domain, e.g. "
                                    + entry.substring(entry.lastIndexOf('@') + 1)
                                    + ".");
                }
                if (entry.startsWith("*.")) {
                    throw new InvalidSetupInput(
                            "'"
                                    + entry
                                    + "': enter the domain without '*.'; its subdomains are"
                                    + " included.");
                }
                domains.add(HostNames.hostName(entry, "email domain"));
            }
        }
        if (domains.size() > MAX_DOMAINS) {
            throw new InvalidSetupInput("At most " + MAX_DOMAINS + " student email domains.");
        }
        return new ArrayList<>(domains);
    }
}
