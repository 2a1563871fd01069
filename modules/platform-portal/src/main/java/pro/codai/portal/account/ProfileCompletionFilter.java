package pro.codai.portal.account;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import pro.codai.platform.account.UserProfile;

/**
 * Until a person has completed their profile, every signed-in page (under /app and /admin) leads to
 * the profile form.
 */
@WebFilter({"/app/*", "/admin/*"})
public class ProfileCompletionFilter extends HttpFilter {

    static final String PROFILE_PAGE = "/app/profile.xhtml";

    private static final long serialVersionUID = 1L;

    @Inject CurrentAccount account;

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        UserProfile profile = account.isSignedIn() ? account.getProfile() : null;
        if (profile != null
                && !profile.isProfileCompleted()
                && !path.equals(PROFILE_PAGE)
                && !path.startsWith("/app/jakarta.faces.resource/")) {
            response.sendRedirect(request.getContextPath() + PROFILE_PAGE);
            return;
        }
        chain.doFilter(request, response);
    }
}
