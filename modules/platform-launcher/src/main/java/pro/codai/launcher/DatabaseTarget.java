package pro.codai.launcher;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The database the server will use, parsed from {@link Setting#DB_URL}: the embedded Derby database
 * (empty URL) or a PostgreSQL server.
 */
public sealed interface DatabaseTarget {

    /** Embedded Derby in the data directory: nothing to configure, one node only. */
    record EmbeddedDerby() implements DatabaseTarget {
        /** Where the database lives inside the data directory. */
        public Path location(Path dataDir) {
            return dataDir.resolve("derby").resolve("codaipro");
        }
    }

    /** A PostgreSQL server reached over TCP. */
    record PostgreSql(String jdbcUrl, String host, int port, String database, String user)
            implements DatabaseTarget {}

    /** Parses the URL; a blank URL means embedded Derby. */
    static DatabaseTarget parse(String url, String user) throws SettingException {
        if (url == null || url.isBlank()) {
            return new EmbeddedDerby();
        }
        if (url.chars().anyMatch(Character::isWhitespace)) {
            throw new SettingException(Setting.DB_URL, "'" + url + "' contains white space");
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return parsePostgreSql(url, user);
        }
        if (url.startsWith("jdbc:derby:")) {
            throw new SettingException(
                    Setting.DB_URL,
                    "a Derby URL is not needed: leave it empty for the embedded Derby database in"
                            + " the data directory, or give a jdbc:postgresql:// URL");
        }
        throw new SettingException(
                Setting.DB_URL,
                "unsupported database URL '"
                        + url
                        + "': use jdbc:postgresql://host:5432/name, or leave it empty for the"
                        + " embedded Derby database");
    }

    /** What is wrong with a database URL on its own (the user is checked with it later). */
    static String urlProblem(String url) {
        try {
            parse(url, "user");
            return null;
        } catch (SettingException e) {
            return e.getMessage();
        }
    }

    private static PostgreSql parsePostgreSql(String url, String user) throws SettingException {
        URI uri;
        try {
            uri = new URI(url.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw new SettingException(
                    Setting.DB_URL, "'" + url + "' is not a valid URL: " + e.getReason());
        }
        String host = uri.getHost();
        String path = uri.getPath();
        if (host == null || path == null || path.length() < 2) {
            throw new SettingException(
                    Setting.DB_URL,
                    "'"
                            + url
                            + "' must name a host and a database: jdbc:postgresql://host:5432/name");
        }
        if (user == null || user.isBlank()) {
            throw new SettingException(Setting.DB_USER, "a PostgreSQL database needs a user name");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        return new PostgreSql(url, host, port, path.substring(1), user);
    }
}
