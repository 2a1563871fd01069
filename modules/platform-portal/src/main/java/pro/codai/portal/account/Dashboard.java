package pro.codai.portal.account;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;

/** The dashboard and its onboarding tour, shown until the person finishes or skips it. */
@Named
@RequestScoped
public class Dashboard {

    @Inject CurrentAccount account;

    @Inject UserProfiles profiles;

    public boolean isTourShown() {
        UserProfile profile = account.getProfile();
        return profile != null && !profile.isOnboardingDone();
    }

    public String finishTour() {
        profiles.finishOnboarding(account.subject());
        return "/app/dashboard.xhtml?faces-redirect=true";
    }
}
