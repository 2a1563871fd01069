package pro.codai.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh database on the PostgreSQL server the test command starts; dropped on close. */
record TestPostgres(String adminUrl, String url, String user, String password, String database)
        implements AutoCloseable {

    static TestPostgres createDatabase() {
        String adminUrl = System.getProperty("codaipro.it.postgres.url", "");
        if (!Boolean.getBoolean("codaipro.it.require-all")) {
            assumeTrue(!adminUrl.isBlank(), "no PostgreSQL configured (codaipro.it.postgres.url)");
        }
        if (adminUrl.isBlank()) {
            throw new IllegalStateException("codaipro.it.postgres.url is required but not set");
        }
        String user = System.getProperty("codaipro.it.postgres.user");
        String password = System.getProperty("codaipro.it.postgres.password");
        String database =
                "codaipro_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
        }
        String url = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + database;
        return new TestPostgres(adminUrl, url, user, password, database);
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
