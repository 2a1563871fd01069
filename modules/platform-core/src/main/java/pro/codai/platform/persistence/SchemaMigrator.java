package pro.codai.platform.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

import liquibase.Liquibase;
import liquibase.changelog.ChangeSet;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.lockservice.LockService;
import liquibase.lockservice.LockServiceFactory;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Brings a database to the current schema with the Liquibase changelog in {@code db/changelog}.
 * Idempotent; concurrent callers are serialised by Liquibase's lock table, so every WAR may call it
 * at start.
 */
public final class SchemaMigrator {

    static final String CHANGELOG = "db/changelog/db.changelog-master.xml";

    static final int ATTEMPTS = 3;

    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());

    private SchemaMigrator() {}

    /**
     * Applies every pending changeset.
     *
     * @return the ids of the changesets applied by this call (empty when already current)
     */
    public static List<String> migrate(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return migrate(connection);
        } catch (SQLException e) {
            throw new SchemaMigrationException("cannot open a database connection", e);
        }
    }

    static List<String> migrate(Connection connection) {
        // Several nodes (or both WARs) may start at once; the first to create Liquibase's own
        // tables can race another, so a failed attempt is retried before it is reported.
        LiquibaseException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return migrateOnce(connection);
            } catch (LiquibaseException e) {
                last = e;
                LOG.warning(() -> "Schema migration attempt failed, retrying: " + e.getMessage());
                pause(attempt);
            }
        }
        throw new SchemaMigrationException("schema migration failed: " + last.getMessage(), last);
    }

    private static List<String> migrateOnce(Connection connection) throws LiquibaseException {
        Database database =
                DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
        // Closing Liquibase would close the caller's connection; the caller owns it.
        Liquibase liquibase =
                new Liquibase(
                        CHANGELOG,
                        new ClassLoaderResourceAccessor(SchemaMigrator.class.getClassLoader()),
                        database);
        LockService lock = LockServiceFactory.getInstance().getLockService(database);
        // Pending changesets are listed under the lock, so a concurrent caller that migrated
        // first leaves this one nothing to report. The lock is re-entrant for update().
        lock.waitForLock();
        try {
            List<String> pending =
                    liquibase.listUnrunChangeSets(null, null).stream()
                            .map(ChangeSet::getId)
                            .toList();
            if (!pending.isEmpty()) {
                liquibase.update();
                LOG.info(() -> "Database schema migrated: " + String.join(", ", pending));
            }
            return pending;
        } finally {
            lock.releaseLock();
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(500L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The database could not be brought to the current schema. */
    public static final class SchemaMigrationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SchemaMigrationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
