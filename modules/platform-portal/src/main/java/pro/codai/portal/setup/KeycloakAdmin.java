package pro.codai.portal.setup;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import pro.codai.platform.account.KeycloakAccounts;
import pro.codai.portal.signin.OidcSettings;

/**
 * Keycloak's admin REST API for the realm the portal signs people in with, as the realm's {@code
 * codaipro-setup} service account (client credentials, {@code codaipro.setup.client-secret}). Every
 * operation can be repeated: a second call leaves the realm as the first did.
 */
@ApplicationScoped
public class KeycloakAdmin {

    static final String CLIENT_ID = "codaipro-setup";
    static final String PORTAL_CLIENT_ID = "codaipro-portal";
    static final String DIRECTORY_NAME = "campus-directory";

    @Inject OidcSettings oidc;

    @Inject
    @ConfigProperty(name = "codaipro.setup.client-secret")
    Optional<String> clientSecret;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The administrators' account: created, or given this password and the group again. */
    void ensureAdministrator(String email, String firstName, String lastName, String password)
            throws SetupFailure {
        String token = token();
        JsonObject user =
                Json.createObjectBuilder()
                        .add("username", email)
                        .add("email", email)
                        .add("firstName", firstName)
                        .add("lastName", lastName)
                        .add("enabled", true)
                        .add("emailVerified", true)
                        .add("groups", Json.createArrayBuilder().add("/administrators"))
                        .add("credentials", Json.createArrayBuilder().add(password(password)))
                        .build();
        HttpResponse<String> created = send(token, "POST", "/users", user);
        if (created.statusCode() == 201) {
            return;
        }
        if (created.statusCode() != 409) {
            throw refused("creating the administrator", created);
        }
        // There already (an earlier attempt got this far): same password, same group.
        JsonArray found =
                json(send(token, "GET", "/users?exact=true&username=" + encode(email), null))
                        .asJsonArray();
        if (found.isEmpty()) {
            throw refused("creating the administrator", created);
        }
        String id = found.getJsonObject(0).getString("id");
        expect(
                send(token, "PUT", "/users/" + id + "/reset-password", password(password)),
                204,
                "setting the administrator's password");
        String group = groupId(token, "administrators");
        expect(
                send(
                        token,
                        "PUT",
                        "/users/" + id + "/groups/" + group,
                        JsonValue.EMPTY_JSON_OBJECT),
                204,
                "adding the administrator to the administrators group");
    }

    /**
     * The realm's LDAP user federation named {@code campus-directory}, replaced by one made from
     * the product's template ({@code openldap} or {@code active-directory}), then synchronised
     * once: what {@code connect-directory} does with kcadm.
     */
    void connectDirectory(DirectorySettings directory) throws SetupFailure {
        String token = token();
        String realmId = json(send(token, "GET", "", null)).asJsonObject().getString("id");
        JsonArray old =
                json(send(
                                token,
                                "GET",
                                "/components?type=org.keycloak.storage.UserStorageProvider&name="
                                        + DIRECTORY_NAME,
                                null))
                        .asJsonArray();
        for (JsonValue component : old) {
            expect(
                    send(
                            token,
                            "DELETE",
                            "/components/" + component.asJsonObject().getString("id"),
                            null),
                    204,
                    "removing the previous directory connection");
        }
        JsonObject template =
                template(directory.activeDirectory() ? "active-directory" : "openldap");
        JsonObjectBuilder config = Json.createObjectBuilder(template.getJsonObject("config"));
        config.add("connectionUrl", single(directory.url()))
                .add("bindDn", single(directory.bindDn()))
                .add("bindCredential", single(directory.bindPassword()))
                .add("usersDn", single(directory.usersDn()))
                .add("startTls", single(Boolean.toString(directory.startTls())));
        JsonObject provider =
                Json.createObjectBuilder(template)
                        .add("parentId", realmId)
                        .add("config", config)
                        .build();
        String providerId =
                created(send(token, "POST", "/components", provider), "connecting the directory");
        if (!directory.activeDirectory()) {
            // Keycloak's default for other directories reads the first name from cn.
            JsonArray firstName =
                    json(send(
                                    token,
                                    "GET",
                                    "/components?parent="
                                            + providerId
                                            + "&name="
                                            + encode("first name"),
                                    null))
                            .asJsonArray();
            for (JsonValue mapper : firstName) {
                JsonObject current = mapper.asJsonObject();
                JsonObject changed =
                        Json.createObjectBuilder(current)
                                .add(
                                        "config",
                                        Json.createObjectBuilder(current.getJsonObject("config"))
                                                .add("ldap.attribute", single("givenName")))
                                .build();
                expect(
                        send(token, "PUT", "/components/" + current.getString("id"), changed),
                        204,
                        "mapping the first name");
            }
        }
        String mapperId = null;
        if (!directory.groupsDn().isBlank()) {
            JsonObject groups = template("groups-mapper");
            JsonObject mapper =
                    Json.createObjectBuilder(groups)
                            .add("parentId", providerId)
                            .add(
                                    "config",
                                    Json.createObjectBuilder(groups.getJsonObject("config"))
                                            .add("groups.dn", single(directory.groupsDn()))
                                            .add(
                                                    "membership.user.ldap.attribute",
                                                    single(
                                                            directory.activeDirectory()
                                                                    ? "sAMAccountName"
                                                                    : "uid"))
                                            .add(
                                                    "group.object.classes",
                                                    single(
                                                            directory.activeDirectory()
                                                                    ? "group"
                                                                    : "groupOfNames")))
                            .build();
            mapperId = created(send(token, "POST", "/components", mapper), "mapping the groups");
        }
        if (mapperId != null) {
            expect(
                    send(
                            token,
                            "POST",
                            "/user-storage/"
                                    + providerId
                                    + "/mappers/"
                                    + mapperId
                                    + "/sync?direction=fedToKeycloak",
                            null),
                    200,
                    "bringing the directory's groups in");
        }
        expect(
                send(
                        token,
                        "POST",
                        "/user-storage/" + providerId + "/sync?action=triggerFullSync",
                        null),
                200,
                "bringing the directory's people in");
    }

    /** The realm's mail settings (verification and password-reset mail). */
    void setMail(MailSettings mail) throws SetupFailure {
        JsonObjectBuilder smtp =
                Json.createObjectBuilder()
                        .add("host", mail.host())
                        .add("port", Integer.toString(mail.port()))
                        .add("from", mail.from())
                        .add("fromDisplayName", mail.fromName())
                        .add("starttls", Boolean.toString(mail.startTls()))
                        .add("ssl", "false")
                        .add("auth", Boolean.toString(!mail.user().isBlank()));
        if (!mail.user().isBlank()) {
            smtp.add("user", mail.user()).add("password", mail.password());
        }
        expect(
                send(
                        token(),
                        "PUT",
                        "",
                        Json.createObjectBuilder().add("smtpServer", smtp).build()),
                204,
                "saving the mail settings");
    }

    /**
     * The portal's client ({@code codaipro-portal}) at the public URL the wizard chose (e.g. {@code
     * https://ide.campus.edu}): its root URL becomes that URL, and every redirect URI, post-logout
     * redirect URI and web origin that names the client's previous root URL gets its twin at the
     * new one. The previous ones stay (root applies the host name after this, and may fail: until
     * then people sign in at the old address); the realm was imported once, at install, with the
     * public URL of then, and Keycloak does not import it again when its settings change.
     */
    void pointPortalClientAt(String publicUrl) throws SetupFailure {
        String token = token();
        JsonArray clients =
                json(send(token, "GET", "/clients?clientId=" + PORTAL_CLIENT_ID, null))
                        .asJsonArray();
        if (clients.isEmpty()) {
            throw new SetupFailure("The realm has no client " + PORTAL_CLIENT_ID + ".");
        }
        JsonObject client = clients.getJsonObject(0);
        String old = stripSlash(client.getString("rootUrl", ""));
        String now = stripSlash(publicUrl);
        JsonObject attributes =
                client.containsKey("attributes")
                        ? client.getJsonObject("attributes")
                        : JsonValue.EMPTY_JSON_OBJECT;
        // Keycloak keeps post-logout redirect URIs in one attribute, separated by "##".
        String logout = attributes.getString("post.logout.redirect.uris", "");
        List<String> logoutUris = logout.isEmpty() ? List.of() : List.of(logout.split("##"));
        List<String> redirects =
                withTwins(strings(client, "redirectUris"), old, now, now + "/signin/callback");
        JsonObject changed =
                Json.createObjectBuilder(client)
                        .add("rootUrl", now)
                        .add("redirectUris", Json.createArrayBuilder(redirects))
                        .add(
                                "webOrigins",
                                Json.createArrayBuilder(
                                        withTwins(strings(client, "webOrigins"), old, now, null)))
                        .add(
                                "attributes",
                                Json.createObjectBuilder(attributes)
                                        .add(
                                                "post.logout.redirect.uris",
                                                String.join(
                                                        "##",
                                                        withTwins(
                                                                logoutUris, old, now, now + "/"))))
                        .build();
        expect(
                send(token, "PUT", "/clients/" + client.getString("id"), changed),
                204,
                "pointing the portal's client at " + now);
    }

    /**
     * The values, each one that names {@code old} (the URL itself or a path under it) followed by
     * its twin at {@code now}, and {@code required} (when not null) if it is not there yet.
     */
    static List<String> withTwins(List<String> values, String old, String now, String required) {
        Set<String> result = new LinkedHashSet<>();
        for (String value : values) {
            result.add(value);
            if (!old.isEmpty() && (value.equals(old) || value.startsWith(old + "/"))) {
                result.add(now + value.substring(old.length()));
            }
        }
        if (required != null) {
            result.add(required);
        }
        return List.copyOf(result);
    }

    private static List<String> strings(JsonObject object, String key) {
        return object.containsKey(key)
                ? object.getJsonArray(key).getValuesAs(JsonString.class).stream()
                        .map(JsonString::getString)
                        .toList()
                : List.of();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Switches the setup client off: after setup nothing may use its powers. */
    void disableSetupClient() throws SetupFailure {
        String token = token();
        JsonArray clients =
                json(send(token, "GET", "/clients?clientId=" + CLIENT_ID, null)).asJsonArray();
        for (JsonValue value : clients) {
            JsonObject client = value.asJsonObject();
            expect(
                    send(
                            token,
                            "PUT",
                            "/clients/" + client.getString("id"),
                            Json.createObjectBuilder(client).add("enabled", false).build()),
                    204,
                    "switching the setup client off");
        }
    }

    private String token() throws SetupFailure {
        String secret = clientSecret.orElse("");
        if (secret.isBlank()) {
            throw new SetupFailure(
                    "The server has no codaipro.setup.client-secret, so it cannot reach Keycloak's"
                            + " admin API (see docs/install/appliance.md).");
        }
        String form =
                Map.of(
                                "grant_type",
                                "client_credentials",
                                "client_id",
                                CLIENT_ID,
                                "client_secret",
                                secret)
                        .entrySet()
                        .stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&"));
        HttpResponse<String> answer =
                exchange(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                oidc.issuer() + "/protocol/openid-connect/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form)));
        if (answer.statusCode() != 200) {
            throw new SetupFailure(
                    "Keycloak refused the setup client's credentials (HTTP "
                            + answer.statusCode()
                            + "): check codaipro.setup.client-secret against the realm.");
        }
        return json(answer).asJsonObject().getString("access_token");
    }

    private HttpResponse<String> send(String token, String method, String path, JsonValue body)
            throws SetupFailure {
        String issuer = oidc.issuer();
        int realms = issuer.indexOf("/realms/");
        URI uri =
                URI.create(
                        issuer.substring(0, realms) + "/admin" + issuer.substring(realms) + path);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return exchange(request);
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) throws SetupFailure {
        try {
            return http.send(
                    request.timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SetupFailure(
                    "Keycloak is not reachable at "
                            + oidc.issuer()
                            + " ("
                            + CampusTrust.rootCause(e)
                            + ").",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupFailure("interrupted", e);
        }
    }

    private String groupId(String token, String name) throws SetupFailure {
        for (JsonValue group :
                json(send(token, "GET", "/groups?exact=true&search=" + name, null)).asJsonArray()) {
            if (name.equals(group.asJsonObject().getString("name"))) {
                return group.asJsonObject().getString("id");
            }
        }
        throw new SetupFailure("The realm has no group " + name + ".");
    }

    private static JsonObject password(String password) {
        return Json.createObjectBuilder()
                .add("type", "password")
                .add("value", password)
                .add("temporary", false)
                .build();
    }

    private static JsonArray single(String value) {
        return Json.createArrayBuilder().add(value).build();
    }

    private static JsonObject template(String name) throws SetupFailure {
        try (InputStream in = KeycloakAdmin.class.getResourceAsStream("ldap/" + name + ".json");
                JsonReader reader = Json.createReader(in)) {
            return reader.readObject();
        } catch (IOException | RuntimeException e) {
            throw new SetupFailure("The directory template " + name + " is missing.", e);
        }
    }

    private static String created(HttpResponse<String> answer, String what) throws SetupFailure {
        if (answer.statusCode() != 201) {
            throw refused(what, answer);
        }
        String location = answer.headers().firstValue("Location").orElse("");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static void expect(HttpResponse<String> answer, int status, String what)
            throws SetupFailure {
        if (answer.statusCode() != status && !(status == 204 && answer.statusCode() == 200)) {
            throw refused(what, answer);
        }
    }

    /** Keycloak's own words ({@code errorMessage} / {@code error}), which name the problem. */
    private static SetupFailure refused(String what, HttpResponse<String> answer) {
        return new SetupFailure(
                "Keycloak refused "
                        + what
                        + " (HTTP "
                        + answer.statusCode()
                        + "): "
                        + KeycloakAccounts.reasonIn(answer.body()));
    }

    private static JsonValue json(HttpResponse<String> answer) {
        try (JsonReader reader = Json.createReader(new StringReader(answer.body()))) {
            return reader.readValue();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
