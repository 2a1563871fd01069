package pro.codai.portal.account;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;

import pro.codai.platform.account.Plan;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;
import pro.codai.portal.signin.SignedInUser;

/** Who is signed in to this request, and their profile; {@code #{account}} in pages. */
@Named("account")
@RequestScoped
public class CurrentAccount {

    @Inject HttpServletRequest request;

    @Inject UserProfiles profiles;

    private Optional<UserProfile> profile;

    public boolean isSignedIn() {
        return user().isPresent();
    }

    public Optional<SignedInUser> user() {
        if (request.getUserPrincipal() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(SignedInUser.in(request.getSession(false)));
    }

    /** The signed-in person's subject; fails when nobody is (pages under /app are protected). */
    public String subject() {
        return user().orElseThrow(() -> new IllegalStateException("nobody is signed in")).subject();
    }

    public UserProfile getProfile() {
        if (profile == null) {
            profile = user().flatMap(u -> profiles.findBySubject(u.subject()));
        }
        return profile.orElse(null);
    }

    public String getName() {
        UserProfile known = getProfile();
        return known == null ? "" : known.getDisplayName();
    }

    public boolean isAdmin() {
        return request.isUserInRole("admin");
    }

    /** Pro (or Campus) plan: API keys and API access. */
    public boolean isPro() {
        UserProfile known = getProfile();
        return known != null && (known.getPlan() == Plan.PRO || known.getPlan() == Plan.CAMPUS);
    }

    public String getPlanName() {
        UserProfile known = getProfile();
        if (known == null) {
            return "";
        }
        String name = known.getPlan().name();
        return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
    }
}
