package pro.codai.platform.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import jakarta.persistence.PersistenceException;

import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

    @Test
    void aRefusedConnectionDeepInTheCausesIsTheDatabaseBeingUnavailable() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
        assertThat(
                        DatabaseUnavailable.isCause(
                                new PersistenceException(new RuntimeException("wrapped", refused))))
                .isTrue();
    }

    @Test
    void aServerShuttingDownAndTransientConnectionFailuresAreUnavailability() {
        assertThat(DatabaseUnavailable.isCause(new SQLException("terminating", "57P01"))).isTrue();
        assertThat(DatabaseUnavailable.isCause(new SQLTransientConnectionException("gone")))
                .isTrue();
    }

    @Test
    void aPoolThatCannotAllocateAConnectionIsUnavailability() {
        SQLException allocating = new SQLException("Error in allocating a connection");
        allocating.initCause(new jakarta.resource.spi.ResourceAllocationException("refused"));
        assertThat(DatabaseUnavailable.isCause(allocating)).isTrue();
    }

    @Test
    void otherDatabaseErrorsAndOtherFailuresAreNot() {
        assertThat(DatabaseUnavailable.isCause(new SQLException("duplicate key", "23505")))
                .isFalse();
        assertThat(DatabaseUnavailable.isCause(new IllegalStateException("bug"))).isFalse();
        assertThat(DatabaseUnavailable.isCause(null)).isFalse();
    }

    @Test
    void failuresOfTheDatabaseLayersAreDataAccessFailuresEvenWithoutTheirCause() {
        jakarta.transaction.RollbackException commitFailed =
                new jakarta.transaction.RollbackException("commit failed");
        assertThat(
                        DatabaseUnavailable.isDataAccessFailure(
                                new jakarta.transaction.TransactionalException(
                                        "interceptor", commitFailed)))
                .isTrue();
        assertThat(DatabaseUnavailable.isDataAccessFailure(new SQLException("duplicate", "23505")))
                .isTrue();
        assertThat(DatabaseUnavailable.isCause(commitFailed)).isFalse();
    }

    @Test
    void failuresOutsideTheDatabaseLayersAreNotDataAccessFailures() {
        assertThat(DatabaseUnavailable.isDataAccessFailure(new NullPointerException())).isFalse();
        assertThat(
                        DatabaseUnavailable.isDataAccessFailure(
                                new IllegalStateException(new java.io.IOException("disk"))))
                .isFalse();
        assertThat(DatabaseUnavailable.isDataAccessFailure(null)).isFalse();
    }
}
