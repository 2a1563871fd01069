package pro.codai.platform.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionalException;

import org.junit.jupiter.api.Test;

/**
 * How a failure whose cause was dropped is told apart: by asking the data source. The real database
 * going away under load is ReliabilityIT's; here a data source stands in for it.
 */
class ApplicationDatabaseTest {

    static final TransactionalException COMMIT_FAILED =
            new TransactionalException("commit", new RollbackException("commit failed"));

    @Test
    void aFailedCommitWhileNoConnectionCanBeHadIsTheDatabaseBeingUnavailable() {
        assertThat(database(false).explains(COMMIT_FAILED)).isTrue();
    }

    @Test
    void aFailedCommitWhileTheDatabaseAnswersIsNot() {
        assertThat(database(true).explains(COMMIT_FAILED)).isFalse();
    }

    @Test
    void aFailureTheDatabaseAnsweredIsNeverBlamedOnItsReachability() {
        ApplicationDatabase database = new ApplicationDatabase(); // never asked: no data source
        assertThat(
                        database.explains(
                                new TransactionalException(
                                        "commit", new SQLException("duplicate key", "23505"))))
                .isFalse();
    }

    @Test
    void aFailureOutsideTheDatabaseIsNeverBlamedOnIt() {
        assertThat(database(false).explains(new NullPointerException())).isFalse();
    }

    @Test
    void aLostConnectionIsUnavailabilityWithoutAskingTheDataSource() {
        ApplicationDatabase database = new ApplicationDatabase(); // no data source at all
        assertThat(database.explains(new SQLException("I/O error", "08006"))).isTrue();
    }

    /** A database whose data source hands out valid connections, or refuses to connect. */
    static ApplicationDatabase database(boolean reachable) {
        ApplicationDatabase database = new ApplicationDatabase();
        Connection connection =
                (Connection)
                        Proxy.newProxyInstance(
                                Connection.class.getClassLoader(),
                                new Class<?>[] {Connection.class},
                                (proxy, method, args) ->
                                        switch (method.getName()) {
                                            case "isValid" -> true;
                                            case "close" -> null;
                                            default ->
                                                    throw new UnsupportedOperationException(
                                                            method.getName());
                                        });
        database.dataSource =
                (DataSource)
                        Proxy.newProxyInstance(
                                DataSource.class.getClassLoader(),
                                new Class<?>[] {DataSource.class},
                                (proxy, method, args) -> {
                                    if (!method.getName().equals("getConnection")) {
                                        throw new UnsupportedOperationException(method.getName());
                                    }
                                    if (!reachable) {
                                        throw new SQLException("Connection refused", "08001");
                                    }
                                    return connection;
                                });
        return database;
    }
}
