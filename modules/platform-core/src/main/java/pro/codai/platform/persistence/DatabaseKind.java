package pro.codai.platform.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The database products the appliance supports. */
public enum DatabaseKind {
    DERBY("derby"),
    POSTGRESQL("postgresql");

    private final String id;

    DatabaseKind(String id) {
        this.id = id;
    }

    /** Lower-case identifier used in the API and the docs. */
    public String id() {
        return id;
    }

    /** The kind of the database behind an open connection. */
    public static DatabaseKind of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("derby")) {
            return DERBY;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        throw new SQLException("unsupported database product: " + product);
    }
}
