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
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Brings a database to the current schema with the Liquibase changelog in {@code db/changelog}.
 * Idempotent; concurrent callers are serialised by Liquibase's lock table, so every WAR may call it
 * at start.
 */
public final class SchemaMigrator {

    static final String CHANGELOG = "db/changelog/db.changelog-master.xml";

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
        try {
            Database database =
                    DatabaseFactory.getInstance()
                            .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            // Closing Liquibase would close the caller's connection; the caller owns it.
            Liquibase liquibase =
                    new Liquibase(
                            CHANGELOG,
                            new ClassLoaderResourceAccessor(SchemaMigrator.class.getClassLoader()),
                            database);
            List<String> pending =
                    liquibase.listUnrunChangeSets(null, null).stream()
                            .map(ChangeSet::getId)
                            .toList();
            if (!pending.isEmpty()) {
                liquibase.update();
                LOG.info(() -> "Database schema migrated: " + String.join(", ", pending));
            }
            return pending;
        } catch (LiquibaseException e) {
            throw new SchemaMigrationException("schema migration failed: " + e.getMessage(), e);
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
