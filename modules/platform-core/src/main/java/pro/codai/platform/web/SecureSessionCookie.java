package pro.codai.platform.web;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Marks the session cookie {@code Secure} for every request when the public URL ({@code
 * codaipro.public.url}) is {@code https://}: people reach the server only through TLS then (on the
 * appliance, nginx), whatever the hop from nginx to the server is. Behind nginx {@link
 * ForwardedProto} marks it per request too.
 */
public class SecureSessionCookie implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String publicUrl =
                ConfigProvider.getConfig()
                        .getOptionalValue("codaipro.public.url", String.class)
                        .orElse("");
        if (httpsOnly(publicUrl)) {
            event.getServletContext().getSessionCookieConfig().setSecure(true);
        }
    }

    static boolean httpsOnly(String publicUrl) {
        return publicUrl != null && publicUrl.strip().regionMatches(true, 0, "https://", 0, 8);
    }
}
