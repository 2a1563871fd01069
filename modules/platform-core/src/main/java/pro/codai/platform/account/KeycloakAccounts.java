package pro.codai.platform.account;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * People's accounts in Keycloak, through its admin REST API as the realm's {@code codaipro-people}
 * service account (client credentials, {@code codaipro.people.client-secret}; it may manage users
 * and read the realm's sign-in events, nothing else). Keycloak's user id is the subject the portal
 * knows people by. Every operation can be repeated.
 */
@ApplicationScoped
public class KeycloakAccounts {

    static final String CLIENT_ID = "codaipro-people";

    /** Keycloak's user ids: UUIDs, or what an imported realm named them; never a path. */
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** How long the password reset mail's link works. */
    static final Duration RESET_LINK_LIFESPAN = Duration.ofHours(24);

    @Inject
    @ConfigProperty(
            name = "codaipro.oidc.issuer",
            defaultValue = "http://localhost:8180/realms/codaipro")
    String issuer;

    // Optional: MicroProfile Config treats an empty default as no value at all.
    @Inject
    @ConfigProperty(name = "codaipro.people.client-secret")
    Optional<String> clientSecret;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The service account's last token, reused until shortly before it expires. */
    private record Token(String value, Instant renewAt) {}

    private volatile Token token;

    /** Keycloak refused or could not be asked; the message says which, for an administrator. */
    public static class KeycloakException extends Exception {
        private static final long serialVersionUID = 1L;

        KeycloakException(String message) {
            super(message);
        }
    }

    /** Whether the server may manage accounts in Keycloak at all (a secret is configured). */
    public boolean configured() {
        return clientSecret.filter(secret -> !secret.isBlank()).isPresent();
    }

    /** Lets the person sign in at Keycloak, or refuses them there. */
    public void setEnabled(String subject, boolean enabled) throws KeycloakException {
        JsonObject change = Json.createObjectBuilder().add("enabled", enabled).build();
        expect(
                send("PUT", user(subject), change),
                enabled ? "enabling the account" : "disabling the account");
    }

    /** Ends every Keycloak session of the person (their tokens can no longer be refreshed). */
    public void logout(String subject) throws KeycloakException {
        expect(send("POST", user(subject) + "/logout", null), "ending the person's sessions");
    }

    /**
     * Mails the person a link to choose a new password (Keycloak's own mail, with the realm's mail
     * settings); the link works for {@link #RESET_LINK_LIFESPAN}.
     */
    public void sendPasswordReset(String subject) throws KeycloakException {
        expect(
                send(
                        "PUT",
                        user(subject)
                                + "/execute-actions-email?lifespan="
                                + RESET_LINK_LIFESPAN.toSeconds(),
                        Json.createArrayBuilder().add("UPDATE_PASSWORD").build()),
                "sending the password reset mail");
    }

    /** A Keycloak account as an import needs it. */
    public record Account(String subject, String email, String firstName, String lastName) {

        /** The name to show: first and last name, or the e-mail address without either. */
        public String shownName() {
            String name =
                    ((firstName == null ? "" : firstName)
                                    + " "
                                    + (lastName == null ? "" : lastName))
                            .strip();
            return name.isEmpty() ? email : name;
        }
    }

    /**
     * The account with exactly this e-mail address (any case), from Keycloak's own users or a
     * federated directory (which Keycloak imports on the way); empty when there is none.
     */
    public Optional<Account> findByEmail(String email) throws KeycloakException {
        HttpResponse<String> answer =
                send(
                        "GET",
                        "/users?exact=true&briefRepresentation=true&max=2&email="
                                + URLEncoder.encode(email, StandardCharsets.UTF_8),
                        null);
        expect(answer, "looking up " + email);
        for (JsonValue found : json(answer).asJsonArray()) {
            JsonObject account = found.asJsonObject();
            if (email.equalsIgnoreCase(account.getString("email", ""))) {
                return Optional.of(
                        new Account(
                                account.getString("id"),
                                account.getString("email"),
                                account.getString("firstName", null),
                                account.getString("lastName", null)));
            }
        }
        return Optional.empty();
    }

    /**
     * Makes an account signing in with {@code email} (the realm's user name is the address),
     * without a password: the person sets one through {@link #sendPasswordReset} or the sign-in
     * page's "forgot password". Returns its subject.
     */
    public String createAccount(String email, String firstName, String lastName)
            throws KeycloakException {
        var account =
                Json.createObjectBuilder()
                        .add("username", email)
                        .add("email", email)
                        .add("enabled", true)
                        .add("requiredActions", Json.createArrayBuilder().add("UPDATE_PASSWORD"));
        if (firstName != null) {
            account.add("firstName", firstName);
        }
        if (lastName != null) {
            account.add("lastName", lastName);
        }
        HttpResponse<String> answer = send("POST", "/users", account.build());
        if (answer.statusCode() != 201) {
            expect(answer, "making an account for " + email);
            throw new KeycloakException(
                    "Keycloak did not make an account for "
                            + email
                            + " (HTTP "
                            + answer.statusCode()
                            + ")");
        }
        String location = answer.headers().firstValue("Location").orElse("");
        String subject = location.substring(location.lastIndexOf('/') + 1);
        if (!USER_ID.matcher(subject).matches()) {
            throw new KeycloakException(
                    "Keycloak made an account for "
                            + email
                            + " but did not say its id; import the line again to add them");
        }
        return subject;
    }

    /**
     * A sign-in event Keycloak recorded (its realm's events must be saved, as the appliance's realm
     * has them): its id, time (epoch milliseconds), type, account (null for an unknown user name),
     * address, error and the user name typed.
     */
    public record SignInEvent(
            String id,
            long time,
            String type,
            String subject,
            String ipAddress,
            String error,
            String username) {}

    /** The sign-in event types the appliance keeps: failed sign-ins and lockouts. */
    public static final List<String> FAILURE_EVENTS =
            List.of("LOGIN_ERROR", "USER_DISABLED_BY_TEMPORARY_LOCKOUT");

    /**
     * Failed sign-ins and lockouts from {@code fromMillis} on (inclusive), oldest first, at most
     * {@code max}; needs the {@code view-events} role.
     */
    public List<SignInEvent> failedSignIns(long fromMillis, int max) throws KeycloakException {
        StringBuilder path = new StringBuilder("/events?direction=asc&first=0");
        path.append("&max=").append(max).append("&dateFrom=").append(fromMillis);
        FAILURE_EVENTS.forEach(type -> path.append("&type=").append(type));
        HttpResponse<String> answer = send("GET", path.toString(), null);
        expect(answer, "reading its sign-in events");
        return eventsIn(answer.body());
    }

    /** The events of Keycloak's answer (an array of its event representations). */
    static List<SignInEvent> eventsIn(String body) {
        List<SignInEvent> events = new ArrayList<>();
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            for (JsonValue value : reader.readArray()) {
                JsonObject event = value.asJsonObject();
                JsonObject details =
                        event.get("details") instanceof JsonObject object
                                ? object
                                : JsonValue.EMPTY_JSON_OBJECT;
                long time =
                        event.getJsonNumber("time") == null
                                ? 0
                                : event.getJsonNumber("time").longValue();
                events.add(
                        new SignInEvent(
                                event.getString("id", time + ":" + event.getString("type", "")),
                                time,
                                event.getString("type", ""),
                                event.getString("userId", null),
                                event.getString("ipAddress", null),
                                event.getString("error", null),
                                details.getString("username", null)));
            }
        }
        return events;
    }

    private static String user(String subject) throws KeycloakException {
        if (subject == null || !USER_ID.matcher(subject).matches()) {
            throw new KeycloakException("'" + subject + "' is not a Keycloak account");
        }
        return "/users/" + subject;
    }

    private HttpResponse<String> send(String method, String path, JsonValue body)
            throws KeycloakException {
        int realms = issuer.indexOf("/realms/");
        if (realms < 0) {
            throw new KeycloakException("codaipro.oidc.issuer does not name a Keycloak realm");
        }
        URI uri =
                URI.create(
                        issuer.substring(0, realms) + "/admin" + issuer.substring(realms) + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return exchange(request);
    }

    private String token() throws KeycloakException {
        Token last = token;
        if (last != null && Instant.now().isBefore(last.renewAt())) {
            return last.value();
        }
        if (!configured()) {
            throw new KeycloakException(
                    "the server has no codaipro.people.client-secret, so it cannot manage"
                            + " accounts in Keycloak");
        }
        String form =
                "grant_type=client_credentials&client_id="
                        + CLIENT_ID
                        + "&client_secret="
                        + URLEncoder.encode(clientSecret.get(), StandardCharsets.UTF_8);
        HttpResponse<String> answer =
                exchange(
                        HttpRequest.newBuilder(
                                        URI.create(issuer + "/protocol/openid-connect/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form)));
        if (answer.statusCode() != 200) {
            throw new KeycloakException(
                    "Keycloak refused the "
                            + CLIENT_ID
                            + " client's credentials (HTTP "
                            + answer.statusCode()
                            + "): check codaipro.people.client-secret against the realm");
        }
        JsonObject granted = json(answer).asJsonObject();
        // Renewed half-way through its life: never used as it runs out, never asked for per call.
        long lifetime =
                granted.getJsonNumber("expires_in") == null
                        ? 0
                        : granted.getJsonNumber("expires_in").longValue();
        token =
                new Token(
                        granted.getString("access_token"), Instant.now().plusSeconds(lifetime / 2));
        return token.value();
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) throws KeycloakException {
        try {
            return http.send(
                    request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new KeycloakException("Keycloak is not reachable at " + issuer + " (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeycloakException("interrupted while asking Keycloak");
        }
    }

    private void expect(HttpResponse<String> answer, String what) throws KeycloakException {
        int status = answer.statusCode();
        if (status == 401) {
            // The token was revoked or the realm's keys changed: ask for a new one next time.
            token = null;
        }
        if (status == 200 || status == 204) {
            return;
        }
        if (status == 404) {
            throw new KeycloakException(
                    "Keycloak has no such account (" + what + "): it was removed there");
        }
        String reason = reasonIn(answer.body());
        throw new KeycloakException(
                "Keycloak refused " + what + " (HTTP " + status + "): " + reason);
    }

    /**
     * Keycloak's own words in an error answer ({@code errorMessage}, {@code error_description} or
     * {@code error}), which name the problem; the body as it is when it is not JSON; at most 300
     * characters.
     */
    public static String reasonIn(String body) {
        String reason = body == null ? "" : body;
        try (JsonReader reader = Json.createReader(new StringReader(reason))) {
            JsonObject object = reader.readObject();
            for (String key : new String[] {"errorMessage", "error_description", "error"}) {
                if (object.get(key) instanceof JsonString text) {
                    reason = text.getString();
                    break;
                }
            }
        } catch (RuntimeException e) {
            // not JSON: the body as it is
        }
        return reason.length() > 300 ? reason.substring(0, 300) + "…" : reason;
    }

    private static JsonValue json(HttpResponse<String> answer) {
        try (JsonReader reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readValue();
        }
    }
}
