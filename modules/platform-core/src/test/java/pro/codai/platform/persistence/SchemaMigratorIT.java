package pro.codai.platform.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SchemaMigratorIT {

    @TempDir Path tempDir;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void migratesAnEmptyDatabaseOnceAndThenHasNothingToDo(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            List<String> first = SchemaMigrator.migrate(database.dataSource());
            List<String> second = SchemaMigrator.migrate(database.dataSource());

            assertThat(first).contains("0001-user-profile", "0001-audit-event");
            assertThat(second).isEmpty();
            assertThat(tables(database)).contains("user_profile", "audit_event");
            try (Connection connection = database.dataSource().getConnection()) {
                assertThat(DatabaseKind.of(connection).name()).isEqualTo(kind.name());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void concurrentMigrationsFromTwoApplicationsLeaveOneSchema(TestDatabase.Kind kind)
            throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, tempDir)) {
            List<List<String>> applied = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread portal =
                    new Thread(() -> applied.add(SchemaMigrator.migrate(database.dataSource())));
            Thread api =
                    new Thread(() -> applied.add(SchemaMigrator.migrate(database.dataSource())));
            portal.start();
            api.start();
            portal.join();
            api.join();

            assertThat(applied).hasSize(2);
            assertThat(applied.stream().mapToInt(List::size).sum())
                    .as("each changeset applied exactly once across both callers")
                    .isEqualTo(applied.stream().mapToInt(List::size).max().orElseThrow());
            assertThat(tables(database)).contains("user_profile", "audit_event");
        }
    }

    private static List<String> tables(TestDatabase database) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
                ResultSet rs =
                        connection
                                .getMetaData()
                                .getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
