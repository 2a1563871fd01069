package pro.codai.platform.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * The appliance's database, as the server's {@code jdbc/codaipro} resource. Migrates the schema
 * when the application starts, before it serves a request. A failed migration keeps the application
 * deployed but not ready: the readiness check reports why, where a failed deployment would leave
 * the server reporting UP for the applications that did start.
 */
@ApplicationScoped
public class ApplicationDatabase {

    private static final Logger LOG = Logger.getLogger(ApplicationDatabase.class.getName());

    /** JNDI name of the server-wide data source the launcher (or the admin) creates. */
    public static final String JNDI_NAME = "jdbc/codaipro";

    DataSource dataSource;

    @PostConstruct
    void lookUpDataSource() {
        try {
            dataSource = InitialContext.doLookup(JNDI_NAME);
        } catch (NamingException e) {
            throw new IllegalStateException("no data source " + JNDI_NAME + ": " + e, e);
        }
    }

    private volatile String schemaProblem = "schema not migrated yet";

    void migrateOnStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        try {
            SchemaMigrator.migrate(dataSource);
            schemaProblem = null;
        } catch (RuntimeException e) {
            schemaProblem = e.getMessage();
            LOG.log(
                    Level.SEVERE,
                    "Database schema migration failed; the application is not ready",
                    e);
        }
    }

    /** Why the schema is not usable, or empty when it is current. */
    public Optional<String> schemaProblem() {
        return Optional.ofNullable(schemaProblem);
    }

    /** Which database product this appliance runs on. */
    public DatabaseKind kind() {
        try (Connection connection = dataSource.getConnection()) {
            return DatabaseKind.of(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("database unavailable: " + e.getMessage(), e);
        }
    }

    /** How long {@link #explains} waits for the database to answer. */
    static final int REACHABILITY_TIMEOUT_SECONDS = 1;

    /**
     * Whether {@code failure} is the database being out of reach: its causes say so, or it is a
     * failed database access and a connection cannot be had right now. The second test covers a
     * commit that failed because the database went away, which the transaction manager reports
     * without the driver's exception as its cause; it is asked only on the error path, and only
     * when no part of the failure shows the database answering (an SQLSTATE outside connection
     * failures: a constraint, a lock timeout). A look at the database is remembered for two
     * seconds. While the pool is exhausted, the look waits for a connection as long as the pool
     * lets any request wait.
     */
    public boolean explains(Throwable failure) {
        if (DatabaseUnavailable.isCause(failure)) {
            return true;
        }
        if (!DatabaseUnavailable.isDataAccessFailure(failure)
                || DatabaseUnavailable.databaseAnswered(failure)) {
            return false; // not the database, or it answered (a constraint, a lock, a bad query)
        }
        return !recentlyReachable();
    }

    /** How long one look at the database's reachability is taken for the failures that follow. */
    static final long REACHABILITY_MEMORY_NANOS = 2_000_000_000L;

    private volatile long reachabilityCheckedAt;
    private volatile boolean reachable = true;

    /**
     * Whether the database was reachable at a look at most {@link #REACHABILITY_MEMORY_NANOS} old:
     * a burst of failures while it is down asks it once, not once per request.
     */
    private boolean recentlyReachable() {
        long now = System.nanoTime();
        if (reachabilityCheckedAt == 0 || now - reachabilityCheckedAt > REACHABILITY_MEMORY_NANOS) {
            reachable = isReachable(REACHABILITY_TIMEOUT_SECONDS);
            reachabilityCheckedAt = now;
        }
        return reachable;
    }

    /** Whether a connection can be had and answers within the timeout. */
    public boolean isReachable(int timeoutSeconds) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }
}
