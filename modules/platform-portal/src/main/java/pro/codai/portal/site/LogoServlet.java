package pro.codai.portal.site;

import java.io.IOException;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import pro.codai.platform.setup.Logo;
import pro.codai.platform.site.Branding;

/**
 * {@code /branding/logo}: the logo chosen in the setup wizard, or 404. Sent with a policy that lets
 * it run and load nothing, even opened on its own (an SVG is checked at upload too).
 */
@WebServlet("/branding/logo")
public class LogoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject transient Branding branding;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Optional<Logo> logo = branding.logo();
        if (logo.isEmpty()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType(logo.get().mediaType());
        response.setHeader(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; sandbox");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "public, max-age=300");
        response.setContentLength(logo.get().bytes().length);
        response.getOutputStream().write(logo.get().bytes());
    }
}
