package pro.codai.portal.signin;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import pro.codai.portal.site.SiteOrigins;

/**
 * Signs out: ends the portal session, then sends the browser to Keycloak to end its session too
 * (RP-initiated logout), which returns to the home page. POST only, and only from a page of the
 * portal ({@code Origin}): a link, an image or a form on another site, or in a student's preview,
 * cannot sign anyone out (the session cookie is also SameSite=Lax, which covers other sites but not
 * a preview address on a subdomain of the portal's).
 */
@WebServlet("/signout")
public class SignOutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(SignOutServlet.class.getName());

    @Inject OidcProvider provider;

    @Inject SiteOrigins origins;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (!origins.sentFromThePortal(request)) {
            LOG.log(
                    Level.FINE,
                    "sign-out refused: sent from {0}",
                    String.valueOf(request.getHeader("Origin")));
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        HttpSession session = request.getSession(false);
        SignedInUser user = SignedInUser.in(session);
        if (session != null) {
            session.invalidate();
        }
        request.logout();
        if (user == null) {
            response.sendRedirect(request.getContextPath() + "/");
            return;
        }
        try {
            response.sendRedirect(provider.endSessionUri(user.idToken()).toString());
        } catch (SignInException e) {
            LOG.log(Level.WARNING, "cannot reach Keycloak to end its session: {0}", e.getMessage());
            response.sendRedirect(request.getContextPath() + "/");
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.setHeader("Allow", "POST");
        response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
    }
}
