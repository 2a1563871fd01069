package pro.codai.platform.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * The appliance's database, as the server's {@code jdbc/codaipro} resource. Migrates the schema
 * when the application starts, before it serves a request: a failed migration fails the deployment
 * rather than serving against an old schema.
 */
@ApplicationScoped
public class ApplicationDatabase {

    /** JNDI name of the server-wide data source the launcher (or the admin) creates. */
    public static final String JNDI_NAME = "jdbc/codaipro";

    @Resource(lookup = JNDI_NAME)
    DataSource dataSource;

    void migrateOnStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        SchemaMigrator.migrate(dataSource);
    }

    /** Which database product this appliance runs on. */
    public DatabaseKind kind() {
        try (Connection connection = dataSource.getConnection()) {
            return DatabaseKind.of(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("database unavailable: " + e.getMessage(), e);
        }
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
