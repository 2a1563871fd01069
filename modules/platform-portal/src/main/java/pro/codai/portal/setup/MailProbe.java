package pro.codai.portal.setup;

import java.io.UnsupportedEncodingException;
import java.security.GeneralSecurityException;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import pro.codai.platform.setup.InvalidSetupInput;

/**
 * The wizard's <em>Send test mail</em>: one short mail through the relay, as Keycloak sends. With
 * STARTTLS the relay's certificate must name its host and be issued by a CA the JVM trusts or by
 * the campus CA uploaded in step 2 (which root adds to Keycloak's trust when setup finishes).
 */
@ApplicationScoped
public class MailProbe {

    /**
     * Connects to the relay (and signs in, with a user), trusting the campus CA (PEM, may be null);
     * returns null when it worked, else why not.
     */
    public String check(MailSettings mail, String campusCaPem) {
        Properties properties;
        try {
            properties = properties(mail, campusCaPem);
        } catch (InvalidSetupInput | GeneralSecurityException e) {
            return CampusTrust.unusable(e);
        }
        Session session = Session.getInstance(properties);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(
                    mail.host(),
                    mail.port(),
                    mail.user().isBlank() ? null : mail.user(),
                    mail.user().isBlank() ? null : mail.password());
            return null;
        } catch (MessagingException e) {
            return describe(mail, e);
        }
    }

    /**
     * Sends the test mail, trusting the campus CA (PEM, may be null); returns null when the relay
     * took it, else why not.
     */
    public String send(MailSettings mail, String to, String siteName, String campusCaPem) {
        Properties properties;
        try {
            properties = properties(mail, campusCaPem);
        } catch (InvalidSetupInput | GeneralSecurityException e) {
            return CampusTrust.unusable(e);
        }
        boolean auth = !mail.user().isBlank();
        Session session = Session.getInstance(properties);
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(mail.from(), mail.fromName(), "UTF-8"));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to, true));
            message.setSubject(siteName + ": test mail from the setup wizard", "UTF-8");
            message.setText(
                    "This mail shows that "
                            + siteName
                            + " can send mail through "
                            + mail.host()
                            + ":"
                            + mail.port()
                            + ".\n"
                            + "Verification and password-reset mail will go the same way.\n",
                    "UTF-8");
            if (auth) {
                Transport.send(message, mail.user(), mail.password());
            } else {
                Transport.send(message);
            }
            return null;
        } catch (MessagingException | UnsupportedEncodingException e) {
            return describe(mail, e);
        }
    }

    private static String describe(MailSettings mail, Exception e) {
        if (CampusTrust.untrusted(e)) {
            return CampusTrust.untrustedMessage(
                    "The mail relay " + mail.host() + ":" + mail.port(), e);
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return "The mail relay "
                + mail.host()
                + ":"
                + mail.port()
                + " did not take the mail: "
                + (cause == e ? e.getMessage() : e.getMessage() + " (" + cause + ")")
                + ".";
    }

    private static Properties properties(MailSettings mail, String campusCaPem)
            throws InvalidSetupInput, GeneralSecurityException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", mail.host());
        properties.put("mail.smtp.port", Integer.toString(mail.port()));
        properties.put("mail.smtp.connectiontimeout", "5000");
        properties.put("mail.smtp.timeout", "15000");
        properties.put("mail.smtp.writetimeout", "15000");
        properties.put("mail.smtp.starttls.enable", Boolean.toString(mail.startTls()));
        properties.put("mail.smtp.starttls.required", Boolean.toString(mail.startTls()));
        // STARTTLS (and implicit TLS) use this factory: the JVM's CAs and the campus CA.
        properties.put("mail.smtp.ssl.socketFactory", CampusTrust.socketFactory(campusCaPem));
        // The relay's password goes only to the host named: its certificate must name it.
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        properties.put("mail.smtp.auth", Boolean.toString(!mail.user().isBlank()));
        return properties;
    }
}
