package pro.codai.platform.account;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which plan a sign-in earns: the directory decides first (Keycloak roles {@code plan-pro}, {@code
 * plan-student}, given by groups), then a verified address at one of the campus's student email
 * domains grants the Student plan; everyone else is on Free.
 */
public final class PlanPolicy {

    private final List<String> studentDomains;

    /** {@code studentDomains}: e.g. {@code uni.example}; subdomains (student.uni.example) count. */
    public PlanPolicy(List<String> studentDomains) {
        this.studentDomains =
                studentDomains.stream()
                        .map(domain -> domain.strip().toLowerCase(Locale.ROOT))
                        .map(domain -> domain.startsWith("@") ? domain.substring(1) : domain)
                        .filter(domain -> !domain.isEmpty())
                        .toList();
    }

    public Plan planFor(SignIn signIn) {
        Set<String> roles = signIn.roles();
        if (roles.contains("plan-pro")) {
            return Plan.PRO;
        }
        if (roles.contains("plan-student")) {
            return Plan.STUDENT;
        }
        if (signIn.emailVerified() && isStudentAddress(signIn.email())) {
            return Plan.STUDENT;
        }
        return Plan.FREE;
    }

    /** True for an address at one of the student domains or a subdomain of one. */
    public boolean isStudentAddress(String email) {
        if (email == null) {
            return false;
        }
        int at = email.lastIndexOf('@');
        if (at < 1 || at == email.length() - 1) {
            return false;
        }
        String domain = email.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        return studentDomains.stream()
                .anyMatch(allowed -> domain.equals(allowed) || domain.endsWith("." + allowed));
    }
}
