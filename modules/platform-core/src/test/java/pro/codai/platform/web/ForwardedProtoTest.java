package pro.codai.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

class ForwardedProtoTest {

    @Test
    void onlyNginxOnLoopbackSaysARequestCameOverHttps() {
        assertThat(ForwardedProto.forwardedHttps("127.0.0.1", "https")).isTrue();
        assertThat(ForwardedProto.forwardedHttps("0:0:0:0:0:0:0:1", "HTTPS ")).isTrue();

        assertThat(ForwardedProto.forwardedHttps("192.0.2.9", "https")).as("forged").isFalse();
        assertThat(ForwardedProto.forwardedHttps("127.0.0.1", "http")).isFalse();
        assertThat(ForwardedProto.forwardedHttps("127.0.0.1", null)).isFalse();
        assertThat(ForwardedProto.forwardedHttps("localhost", "https")).as("a name").isFalse();
    }

    @Test
    void thePortIsNginxsOr443() {
        assertThat(ForwardedProto.port("8443")).isEqualTo(8443);
        assertThat(ForwardedProto.port(null)).isEqualTo(443);
        assertThat(ForwardedProto.port("0")).isEqualTo(443);
        assertThat(ForwardedProto.port("70000")).isEqualTo(443);
        assertThat(ForwardedProto.port("443, 80")).isEqualTo(443);
    }

    @Test
    void redirectsBecomeAbsoluteHttpsOnTheRequestsHost() {
        String host = "ide.campus.edu";
        assertThat(ForwardedProto.httpsLocation("/setup", host, 443, "/"))
                .isEqualTo("https://ide.campus.edu/setup");
        assertThat(
                        ForwardedProto.httpsLocation(
                                "dashboard.xhtml?x=1", host, 443, "/app/index.xhtml"))
                .isEqualTo("https://ide.campus.edu/app/dashboard.xhtml?x=1");
        assertThat(ForwardedProto.httpsLocation("http://ide.campus.edu/signin", host, 8443, "/"))
                .isEqualTo("https://ide.campus.edu:8443/signin");
        assertThat(ForwardedProto.httpsLocation("http://ide.campus.edu:8080", host, 443, "/"))
                .isEqualTo("https://ide.campus.edu/");
    }

    @Test
    void redirectsElsewhereAreLeftAsTheyAre() {
        String host = "ide.campus.edu";
        assertThat(ForwardedProto.httpsLocation("https://sso.campus.edu/auth", host, 443, "/"))
                .isEqualTo("https://sso.campus.edu/auth");
        assertThat(ForwardedProto.httpsLocation("http://evil.example/", host, 443, "/"))
                .isEqualTo("http://evil.example/");
        assertThat(ForwardedProto.httpsLocation("//evil.example/", host, 443, "/"))
                .isEqualTo("//evil.example/");
    }

    @Test
    void theSessionCookieIsMarkedSecureAndOtherCookiesAndTheirOrderStay() {
        List<String> headers = new ArrayList<>();
        headers.add("theme=dark; Path=/");
        headers.add("JSESSIONID=abc; Path=/; HttpOnly; SameSite=Lax");
        headers.add("other=1; Secure");

        ForwardedProto.markSecure(response(headers), "JSESSIONID");

        assertThat(headers)
                .containsExactly(
                        "theme=dark; Path=/",
                        "JSESSIONID=abc; Path=/; HttpOnly; SameSite=Lax; Secure",
                        "other=1; Secure");
        ForwardedProto.markSecure(response(headers), "JSESSIONID");
        assertThat(headers.get(1)).as("marked once").endsWith("SameSite=Lax; Secure");
    }

    @Test
    void anHttpsPublicUrlMakesTheSessionCookieSecure() {
        assertThat(SecureSessionCookie.httpsOnly("https://ide.campus.edu")).isTrue();
        assertThat(SecureSessionCookie.httpsOnly("HTTPS://ide.campus.edu")).isTrue();
        assertThat(SecureSessionCookie.httpsOnly("http://localhost:8080")).isFalse();
        assertThat(SecureSessionCookie.httpsOnly("")).isFalse();
    }

    /** A response whose Set-Cookie headers are this list. */
    private static HttpServletResponse response(List<String> setCookies) {
        return (HttpServletResponse)
                Proxy.newProxyInstance(
                        ForwardedProtoTest.class.getClassLoader(),
                        new Class<?>[] {HttpServletResponse.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "isCommitted" -> false;
                                    case "getHeaders" -> List.copyOf(setCookies);
                                    case "setHeader" -> {
                                        setCookies.clear();
                                        setCookies.add((String) args[1]);
                                        yield null;
                                    }
                                    case "addHeader" -> {
                                        setCookies.add((String) args[1]);
                                        yield null;
                                    }
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }
}
