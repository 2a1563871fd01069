package pro.codai.launcher;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Checks that the server can start with these settings, so a bad setting fails in a second with one
 * line naming it, instead of somewhere inside the server's log.
 */
public final class Preflight {

    /** Bounds reaching the database's port: a refused connection fails at once anyway. */
    static final int DATABASE_TIMEOUT_SECONDS = 30;

    /**
     * Bounds the sign-in once the port answers. Generous: on a busy first boot the launcher's fresh
     * JVM spends most of a minute on TLS and SCRAM under emulation, and the database is there.
     */
    static final int DATABASE_LOGIN_TIMEOUT_SECONDS = 300;

    private Preflight() {}

    /**
     * Checks every setting's value against its format, then what needs the machine: the data
     * directory, the port, the database. The first failure is thrown.
     */
    public static void check(Settings settings) throws SettingException {
        settings.checkAll();
        settings.previewUrl(); // another host name than the portal's
        settings.runsMaxPerCaller(); // at most codaipro.runs.max-concurrent
        Path dataDir = settings.dataDir();
        checkWritable(dataDir);
        checkPortFree(settings.httpPort());
        DatabaseTarget database = settings.database();
        if (database instanceof DatabaseTarget.PostgreSql postgres) {
            checkReachable(postgres, settings.databasePassword());
        }
    }

    static void checkWritable(Path dataDir) throws SettingException {
        try {
            Files.createDirectories(dataDir);
            Path probe = Files.createTempFile(dataDir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new SettingException(
                    Setting.DATA_DIR, "cannot write to " + dataDir + " (" + describe(e) + ")");
        }
    }

    static void checkPortFree(int port) throws SettingException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (BindException e) {
            throw new SettingException(
                    Setting.HTTP_PORT, "port " + port + " is already in use by another program");
        } catch (IOException e) {
            throw new SettingException(
                    Setting.HTTP_PORT, "cannot listen on port " + port + " (" + describe(e) + ")");
        }
    }

    static void checkReachable(DatabaseTarget.PostgreSql postgres, String password)
            throws SettingException {
        Properties credentials = new Properties();
        credentials.setProperty("user", postgres.user());
        credentials.setProperty("password", password == null ? "" : password);
        credentials.setProperty("connectTimeout", Integer.toString(DATABASE_TIMEOUT_SECONDS));
        credentials.setProperty("loginTimeout", Integer.toString(DATABASE_LOGIN_TIMEOUT_SECONDS));
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), credentials)) {
            connection.isValid(DATABASE_TIMEOUT_SECONDS);
        } catch (SQLException e) {
            throw databaseProblem(postgres, e);
        }
    }

    private static SettingException databaseProblem(
            DatabaseTarget.PostgreSql postgres, SQLException e) {
        String where = "PostgreSQL at " + postgres.host() + ":" + postgres.port();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // 28xxx: authentication; 3D000: no such database (PostgreSQL SQLSTATE classes).
        if (state.startsWith("28")) {
            return new SettingException(
                    Setting.DB_PASSWORD,
                    where + " refused user '" + postgres.user() + "' (wrong user or password)");
        }
        if (state.equals("3D000")) {
            return new SettingException(
                    Setting.DB_URL, where + " has no database '" + postgres.database() + "'");
        }
        Throwable cause = rootCause(e);
        if (cause instanceof ConnectException
                || cause instanceof UnknownHostException
                || cause instanceof SocketTimeoutException
                || state.startsWith("08")) {
            // At boot PostgreSQL may still be starting: unavailable, not wrong.
            return SettingException.unavailable(
                    Setting.DB_URL, "cannot connect to " + where + " (" + describe(cause) + ")");
        }
        return new SettingException(Setting.DB_URL, where + ": " + describe(e));
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        String type = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message.strip();
    }
}
