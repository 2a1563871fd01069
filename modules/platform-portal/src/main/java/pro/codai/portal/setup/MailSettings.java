package pro.codai.portal.setup;

/** The mail relay as the wizard's fifth step describes it; no user: no authentication. */
public record MailSettings(
        String host,
        int port,
        boolean startTls,
        String user,
        String password,
        String from,
        String fromName) {}
