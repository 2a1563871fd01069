package pro.codai.api.security;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Payara's MicroProfile JWT logs every token it refuses at INFO with the whole stack trace (about 5
 * KB a request): a cheap way for anyone to fill the log disk. Its INFO lines are turned off here;
 * the API's error page ({@code pro.codai.platform.web.ProblemServlet}) logs each refusal in one
 * throttled line instead.
 */
@WebListener
public class TokenRefusalLogging implements ServletContextListener {

    /** The logger of Payara's identity store for MicroProfile JWT. */
    static final String PAYARA_JWT_LOGGER =
            "fish.payara.microprofile.jwtauth.eesecurity.SignedJWTIdentityStore";

    // Held, so that the level set stays: the logging framework keeps loggers weakly.
    private static final Logger PAYARA_JWT = Logger.getLogger(PAYARA_JWT_LOGGER);

    @Override
    public void contextInitialized(ServletContextEvent event) {
        PAYARA_JWT.setLevel(Level.WARNING);
    }
}
