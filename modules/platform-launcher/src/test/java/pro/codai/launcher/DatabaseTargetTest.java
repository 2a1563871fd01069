package pro.codai.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseTargetTest {

    @Test
    void anEmptyUrlMeansTheEmbeddedDerbyDatabase() throws Exception {
        assertThat(DatabaseTarget.parse("", "")).isInstanceOf(DatabaseTarget.EmbeddedDerby.class);
        assertThat(DatabaseTarget.parse(null, null))
                .isInstanceOf(DatabaseTarget.EmbeddedDerby.class);
    }

    @Test
    void aPostgresqlUrlIsTakenApart() throws Exception {
        DatabaseTarget target =
                DatabaseTarget.parse(
                        "jdbc:postgresql://db.campus:6432/codaipro?sslmode=require", "app");

        assertThat(target)
                .isEqualTo(
                        new DatabaseTarget.PostgreSql(
                                "jdbc:postgresql://db.campus:6432/codaipro?sslmode=require",
                                "db.campus",
                                6432,
                                "codaipro",
                                "app"));
        assertThat(
                        ((DatabaseTarget.PostgreSql)
                                        DatabaseTarget.parse("jdbc:postgresql://localhost/x", "u"))
                                .port())
                .isEqualTo(5432);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "jdbc:mysql://localhost/x",
                "postgresql://localhost/x",
                "jdbc:derby://host/db",
                "jdbc:postgresql://localhost/",
                "jdbc:postgresql://local host/x"
            })
    void unsupportedOrIncompleteUrlsAreRefusedNamingTheUrlSetting(String url) {
        assertThatThrownBy(() -> DatabaseTarget.parse(url, "u"))
                .isInstanceOf(SettingException.class)
                .extracting("setting")
                .isEqualTo(Setting.DB_URL);
    }

    @Test
    void postgresqlWithoutAUserIsRefusedNamingTheUserSetting() {
        assertThatThrownBy(() -> DatabaseTarget.parse("jdbc:postgresql://localhost/x", ""))
                .extracting("setting")
                .isEqualTo(Setting.DB_USER);
    }
}
