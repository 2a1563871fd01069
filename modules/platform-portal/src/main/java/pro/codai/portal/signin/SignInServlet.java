package pro.codai.portal.signin;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /signin} and {@code /register}: protected addresses whose only job is to make the
 * mechanism send the visitor to Keycloak; once signed in, they lead to the dashboard. The callback
 * address is handled by the mechanism; reaching it here means a stray visit.
 */
@WebServlet({"/signin", SignInMechanism.REGISTER_PATH, SignInMechanism.CALLBACK_PATH})
public class SignInServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        response.sendRedirect(
                request.getContextPath()
                        + (request.getUserPrincipal() != null ? "/app/dashboard.xhtml" : "/"));
    }
}
