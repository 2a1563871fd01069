package pro.codai.platform.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class SignInFailuresTest {

    private static KeycloakAccounts.SignInEvent event(String id, long time) {
        return new KeycloakAccounts.SignInEvent(
                id, time, "LOGIN_ERROR", null, "127.0.0.1", "user_not_found", "x");
    }

    @Test
    void theCursorSkipsWhatItCoveredAtItsOwnMillisecondAndBefore() {
        SignInFailures.Cursor cursor = new SignInFailures.Cursor(1000, Set.of("a"));
        assertThat(cursor.covers(event("z", 999))).isTrue();
        assertThat(cursor.covers(event("a", 1000))).isTrue();
        assertThat(cursor.covers(event("b", 1000))).as("another event, same ms").isFalse();
        assertThat(cursor.covers(event("c", 1001))).isFalse();

        SignInFailures.Cursor same = cursor.after(event("b", 1000));
        assertThat(same).isEqualTo(new SignInFailures.Cursor(1000, Set.of("a", "b")));
        SignInFailures.Cursor later = same.after(event("c", 1001));
        assertThat(later).isEqualTo(new SignInFailures.Cursor(1001, Set.of("c")));
    }

    @Test
    void theCursorIsStoredAsTextAndReadBack() {
        SignInFailures.Cursor cursor = new SignInFailures.Cursor(1733650000000L, Set.of("a", "b"));
        assertThat(SignInFailures.Cursor.parse(cursor.format())).isEqualTo(cursor);
        assertThat(SignInFailures.Cursor.parse("1733650000000|"))
                .isEqualTo(new SignInFailures.Cursor(1733650000000L, Set.of()));
        assertThat(SignInFailures.Cursor.parse("not a time")).isNull();
    }
}
