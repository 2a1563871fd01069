package pro.codai.portal.setup;

/** The campus directory as the wizard's fourth step describes it. */
public record DirectorySettings(
        boolean activeDirectory,
        String url,
        boolean startTls,
        String bindDn,
        String bindPassword,
        String usersDn,
        String groupsDn) {}
