package pro.codai.portal.signin;

import java.io.IOException;
import java.io.StringReader;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * The portal's view of Keycloak as an OpenID provider: its published metadata (fetched once), the
 * authorization and sign-out addresses, the token endpoint (code exchange with the PKCE verifier,
 * refresh), and ID-token checks against the realm's signing keys (cached, refetched on rotation).
 */
@ApplicationScoped
public class OidcProvider {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How long an answer may take. A class signing in at once keeps Keycloak busy hashing passwords
     * (300 students in a minute on 2 cores: token answers after 10 s and more); a student waiting a
     * little longer signs in, where an error page would send them, and their retries, back.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject OidcSettings settings;

    private final HttpClient http =
            HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    private volatile Metadata metadata;
    private volatile ConfigurableJWTProcessor<SecurityContext> idTokenProcessor;

    /** The endpoints the portal uses, from the provider's discovery document. */
    record Metadata(URI authorization, URI registration, URI token, URI endSession, URI jwks) {}

    /** What the token endpoint answered. */
    public record Tokens(
            String idToken, String accessToken, String refreshToken, long expiresInSeconds) {}

    /** The address that starts a sign-in (or, with {@code register}, a registration). */
    public URI authorizationUri(boolean register, String state, String nonce, String challenge)
            throws SignInException {
        Metadata endpoints = metadata();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", settings.clientId());
        query.put("redirect_uri", settings.callbackUri().toString());
        query.put("scope", "openid profile email");
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        URI base = register ? endpoints.registration() : endpoints.authorization();
        return URI.create(base + "?" + form(query));
    }

    /** Exchanges an authorization code, proving possession of the PKCE verifier. */
    public Tokens exchangeCode(String code, String codeVerifier) throws SignInException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", settings.callbackUri().toString());
        body.put("code_verifier", codeVerifier);
        return tokenRequest(body);
    }

    /** New tokens for a refresh token; fails once the Keycloak session has ended. */
    public Tokens refresh(String refreshToken) throws SignInException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "refresh_token");
        body.put("refresh_token", refreshToken);
        return tokenRequest(body);
    }

    /**
     * Checks an ID token: signature by a current realm key (RS256), issuer, audience (this client),
     * expiry, and — at sign-in — the nonce sent with the request ({@code null}: not checked, for
     * refreshed tokens).
     */
    public JWTClaimsSet verifyIdToken(String idToken, String expectedNonce) throws SignInException {
        try {
            JWTClaimsSet claims = idTokenProcessor().process(idToken, null);
            if (expectedNonce != null && !expectedNonce.equals(claims.getStringClaim("nonce"))) {
                throw new SignInException("the ID token's nonce does not match this sign-in");
            }
            String authorizedParty = claims.getStringClaim("azp");
            if (authorizedParty != null && !authorizedParty.equals(settings.clientId())) {
                throw new SignInException("the ID token was issued to another client");
            }
            return claims;
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new SignInException("the ID token failed its checks: " + e.getMessage(), e);
        }
    }

    /** Where to send the browser to end the Keycloak session too (RP-initiated logout). */
    public URI endSessionUri(String idTokenHint) throws SignInException {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", settings.clientId());
        query.put("post_logout_redirect_uri", settings.publicUrl() + "/");
        if (idTokenHint != null) {
            query.put("id_token_hint", idTokenHint);
        }
        return URI.create(metadata().endSession() + "?" + form(query));
    }

    private Tokens tokenRequest(Map<String, String> body) throws SignInException {
        String credentials =
                urlEncode(settings.clientId()) + ":" + urlEncode(settings.clientSecret());
        HttpRequest request =
                HttpRequest.newBuilder(metadata().token())
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        credentials.getBytes(
                                                                StandardCharsets.UTF_8)))
                        .POST(HttpRequest.BodyPublishers.ofString(form(body)))
                        .build();
        JsonObject answer = send(request, "token endpoint");
        if (!answer.containsKey("access_token")) {
            throw new SignInException(
                    "the token endpoint refused: "
                            + answer.getString("error", "unknown error")
                            + " "
                            + answer.getString("error_description", ""));
        }
        return new Tokens(
                answer.getString("id_token", null),
                answer.getString("access_token"),
                answer.getString("refresh_token", null),
                answer.containsKey("expires_in")
                        ? answer.getJsonNumber("expires_in").longValue()
                        : 0);
    }

    Metadata metadata() throws SignInException {
        Metadata known = metadata;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (metadata == null) {
                String issuer = settings.issuer();
                JsonObject document =
                        send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        issuer
                                                                + "/.well-known/openid-configuration"))
                                        .timeout(TIMEOUT)
                                        .GET()
                                        .build(),
                                "discovery document");
                if (!issuer.equals(document.getString("issuer", ""))) {
                    throw new SignInException(
                            "the provider calls itself '"
                                    + document.getString("issuer", "")
                                    + "', not the configured issuer '"
                                    + issuer
                                    + "'");
                }
                URI authorization = endpoint(document, "authorization_endpoint");
                metadata =
                        new Metadata(
                                authorization,
                                // Keycloak's registration page takes the same request.
                                URI.create(
                                        authorization
                                                .toString()
                                                .replaceFirst("/auth$", "/registrations")),
                                endpoint(document, "token_endpoint"),
                                endpoint(document, "end_session_endpoint"),
                                endpoint(document, "jwks_uri"));
            }
            return metadata;
        }
    }

    private ConfigurableJWTProcessor<SecurityContext> idTokenProcessor() throws SignInException {
        ConfigurableJWTProcessor<SecurityContext> known = idTokenProcessor;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (idTokenProcessor == null) {
                try {
                    JWKSource<SecurityContext> keys =
                            JWKSourceBuilder.create(metadata().jwks().toURL())
                                    .retrying(true)
                                    .build();
                    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
                    processor.setJWSKeySelector(
                            new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
                    processor.setJWTClaimsSetVerifier(
                            new DefaultJWTClaimsVerifier<>(
                                    settings.clientId(),
                                    new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                                    Set.of("sub", "iat", "exp")));
                    idTokenProcessor = processor;
                } catch (MalformedURLException e) {
                    throw new SignInException("the provider's key set address is not a URL", e);
                }
            }
            return idTokenProcessor;
        }
    }

    private JsonObject send(HttpRequest request, String what) throws SignInException {
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                throw new SignInException(
                        "Keycloak's " + what + " answered HTTP " + response.statusCode());
            }
            try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
                return reader.readObject();
            }
        } catch (IOException | JsonException e) {
            throw new SignInException("Keycloak's " + what + " could not be read: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInException("interrupted while calling Keycloak", e);
        }
    }

    private static URI endpoint(JsonObject document, String name) throws SignInException {
        String value = document.getString(name, "");
        if (!value.startsWith("http")) {
            throw new SignInException("the discovery document has no " + name);
        }
        return URI.create(value);
    }

    private static String form(Map<String, String> values) {
        return values.entrySet().stream()
                .map(entry -> urlEncode(entry.getKey()) + "=" + urlEncode(entry.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
