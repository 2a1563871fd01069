package pro.codai.platform.persistence;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Tells a failure caused by the database being out of reach (restarting, down, refusing
 * connections) from any other. Callers answer such failures as "unavailable, try again" (HTTP 503,
 * Jobe outcome 21) instead of as an internal error: the connection pool validates connections and
 * replaces broken ones, so the next request after the database is back succeeds without a restart.
 *
 * <pre>{@code
 * } catch (RuntimeException e) {
 *     if (DatabaseUnavailable.isCause(e)) {
 *         return serviceUnavailable();
 *     }
 *     throw e;
 * }
 * }</pre>
 */
public final class DatabaseUnavailable {

    /**
     * What the connection pool throws when it cannot make a connection; matched by name so that
     * nothing here depends on the server's internals.
     */
    private static final java.util.Set<String> POOL_FAILURES =
            java.util.Set.of(
                    "com.sun.appserv.connectors.internal.api.PoolingException",
                    "jakarta.resource.spi.ResourceAllocationException",
                    "com.sun.enterprise.resource.pool.PoolingException");

    private DatabaseUnavailable() {}

    /** Whether {@code failure}, or any cause of it, says the database cannot be reached. */
    public static boolean isCause(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = next(t)) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || POOL_FAILURES.contains(t.getClass().getName())) {
                return true;
            }
            if (t instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 08 (connection exception) and PostgreSQL's 57P01–57P03 (the server is shutting
     * down, was shut down, or cannot take connections yet).
     */
    static boolean isConnectionState(String state) {
        return state != null
                && (state.startsWith("08")
                        || state.equals("57P01")
                        || state.equals("57P02")
                        || state.equals("57P03"));
    }

    /**
     * Packages whose exceptions report a failed database access: JDBC, JPA and its provider, JTA
     * and the connector architecture the pool is built on. A transaction manager that fails to
     * commit, or a persistence provider, may wrap the driver's exception without keeping it as the
     * cause, so {@link #isCause} cannot always see the lost connection behind them.
     */
    private static final java.util.List<String> DATA_ACCESS_PACKAGES =
            java.util.List.of(
                    "java.sql.",
                    "javax.transaction.xa.",
                    "jakarta.persistence.",
                    "jakarta.transaction.",
                    "jakarta.resource.",
                    "org.eclipse.persistence.exceptions.");

    /**
     * Whether {@code failure}, or any cause of it, is a failed database access of any kind (not
     * only a lost connection): the failures that {@link ApplicationDatabase#explains} checks
     * against the database's reachability.
     */
    public static boolean isDataAccessFailure(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = next(t)) {
            String name = t.getClass().getName();
            if (DATA_ACCESS_PACKAGES.stream().anyMatch(name::startsWith)
                    || POOL_FAILURES.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code failure}, or any cause of it, carries an SQLSTATE that only an answering
     * database gives (not a connection failure): the database was reachable then.
     */
    public static boolean databaseAnswered(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = next(t)) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && !sql.getSQLState().isBlank()
                    && !isConnectionState(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof SQLException sql
                && sql.getNextException() != null
                && t.getCause() == null) {
            return sql.getNextException();
        }
        return t.getCause();
    }
}
