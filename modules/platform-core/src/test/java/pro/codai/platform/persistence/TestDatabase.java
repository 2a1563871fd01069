package pro.codai.platform.persistence;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real, empty database for one test: embedded Derby in a temporary directory, or a fresh database
 * on the PostgreSQL server the test command starts (dropped afterwards).
 */
public abstract sealed class TestDatabase implements AutoCloseable {

    /** The databases every persistence test runs against. */
    public enum Kind {
        DERBY,
        POSTGRESQL
    }

    public static TestDatabase create(Kind kind, Path tempDir) throws SQLException {
        return kind == Kind.DERBY ? new Derby(tempDir) : new PostgreSql();
    }

    public abstract DataSource dataSource();

    abstract Map<String, String> jdbcProperties();

    /** Runs {@code work} in a resource-local transaction, committed unless it throws. */
    public static void inTransaction(EntityManagerFactory factory, Consumer<EntityManager> work) {
        EntityManager em = factory.createEntityManager();
        try {
            em.getTransaction().begin();
            work.accept(em);
            em.getTransaction().commit();
        } finally {
            if (em.getTransaction().isActive()) {
                em.getTransaction().rollback();
            }
            em.close();
        }
    }

    /**
     * A service of any package given its entity manager, as the container injects it (the field
     * {@code entityManager}, whatever its access).
     */
    public static <T> T wired(T service, EntityManager em) {
        try {
            java.lang.reflect.Field field = service.getClass().getDeclaredField("entityManager");
            field.setAccessible(true);
            field.set(service, em);
            return service;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private EntityManagerFactory migratedFactory;

    /**
     * Migrates the schema and returns an EntityManagerFactory over it, closed with this database.
     */
    public EntityManagerFactory migratedEntityManagerFactory() {
        SchemaMigrator.migrate(dataSource());
        migratedFactory = entityManagerFactory();
        return migratedFactory;
    }

    /** Closes the factory {@link #migratedEntityManagerFactory} made, if any. */
    void closeFactory() {
        if (migratedFactory != null) {
            migratedFactory.close();
        }
    }

    /** An application-managed EntityManagerFactory over the product's persistence unit. */
    public EntityManagerFactory entityManagerFactory() {
        Map<String, String> properties = new HashMap<>(jdbcProperties());
        properties.put("jakarta.persistence.transactionType", "RESOURCE_LOCAL");
        properties.put("jakarta.persistence.jtaDataSource", "");
        properties.put("eclipselink.logging.level", "WARNING");
        return Persistence.createEntityManagerFactory("codaipro", properties);
    }

    static final class Derby extends TestDatabase {
        private final EmbeddedDataSource dataSource = new EmbeddedDataSource();
        private final String url;

        Derby(Path tempDir) {
            String location = tempDir.resolve("derby-" + UUID.randomUUID()).toString();
            dataSource.setDatabaseName(location);
            dataSource.setCreateDatabase("create");
            url = "jdbc:derby:" + location + ";create=true";
        }

        @Override
        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        Map<String, String> jdbcProperties() {
            return Map.of(
                    "jakarta.persistence.jdbc.driver",
                    "org.apache.derby.iapi.jdbc.AutoloadedDriver",
                    "jakarta.persistence.jdbc.url",
                    url);
        }

        @Override
        public void close() {
            closeFactory(); // the temporary directory goes with the test
        }
    }

    static final class PostgreSql extends TestDatabase {
        private final String adminUrl = System.getProperty("codaipro.it.postgres.url", "");
        private final String user = System.getProperty("codaipro.it.postgres.user", "");
        private final String password = System.getProperty("codaipro.it.postgres.password", "");
        private final String database =
                "codaipro_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
        private final String url;

        /** How often a drop is tried while something else still holds the database. */
        private static final int DROP_ATTEMPTS = 20;

        PostgreSql() throws SQLException {
            boolean required = Boolean.getBoolean("codaipro.it.require-all");
            if (!required) {
                assumeTrue(
                        !adminUrl.isBlank(), "no PostgreSQL configured (codaipro.it.postgres.url)");
            }
            if (adminUrl.isBlank()) {
                throw new IllegalStateException("codaipro.it.postgres.url is required but not set");
            }
            try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
                    Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
            url = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
            dataSource.setUrl(url);
            dataSource.setUser(user);
            dataSource.setPassword(password);
        }

        @Override
        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        Map<String, String> jdbcProperties() {
            return Map.of(
                    "jakarta.persistence.jdbc.driver", "org.postgresql.Driver",
                    "jakarta.persistence.jdbc.url", url,
                    "jakarta.persistence.jdbc.user", user,
                    "jakarta.persistence.jdbc.password", password);
        }

        /**
         * Drops the test's database. PostgreSQL 15 refuses to force out an autovacuum worker
         * visiting it ("must be a member of the role whose process is being terminated"); the
         * worker is done within moments, so the drop is tried again a bounded number of times, and
         * a database left over is reported rather than failing the test that used it.
         */
        @Override
        public void close() throws SQLException {
            closeFactory();
            String drop =
                    "DROP DATABASE IF EXISTS "
                            + database.toLowerCase(Locale.ROOT)
                            + " WITH (FORCE)";
            for (int attempt = 1; ; attempt++) {
                try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
                        Statement statement = admin.createStatement()) {
                    statement.execute(drop);
                    return;
                } catch (SQLException e) {
                    if (!"42501".equals(e.getSQLState()) && !"55006".equals(e.getSQLState())) {
                        throw e;
                    }
                    if (attempt == DROP_ATTEMPTS) {
                        System.err.println(
                                "test database " + database + " left: " + e.getMessage());
                        return;
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
