package pro.codai.portal.signin;

import java.io.IOException;
import java.io.Serializable;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import com.nimbusds.jwt.JWTClaimsSet;

import pro.codai.platform.account.AccessChanges;
import pro.codai.platform.account.UserProfile;
import pro.codai.platform.account.UserProfiles;
import pro.codai.platform.setup.SetupStatus;
import pro.codai.portal.site.SecurityHeadersFilter;
import pro.codai.portal.site.SiteOrigins;

/**
 * The portal's one authentication mechanism: the OpenID Connect authorization code flow with PKCE
 * against Keycloak. A protected page visited without a session is sent to Keycloak and, after the
 * callback, back to the page it asked for. Each request of a signed-in session tells the container
 * who the caller is and their roles (Keycloak realm roles, which name the portal's roles); tokens
 * are refreshed before they expire, and when Keycloak's session has ended the portal's ends too.
 *
 * <p>Jakarta Security's own OpenID mechanism sends no PKCE challenge, which the realm requires,
 * hence this one.
 */
@ApplicationScoped
public class SignInMechanism implements HttpAuthenticationMechanism {

    static final String CALLBACK_PATH = "/signin/callback";
    static final String REGISTER_PATH = "/register";
    static final String PROBLEM_PAGE = "/signin-problem.xhtml";

    private static final Logger LOG = Logger.getLogger(SignInMechanism.class.getName());
    private static final String PENDING_KEY = PendingSignIn.class.getName();
    private static final int MAX_PENDING = 5;
    private static final Duration PENDING_LIFETIME = Duration.ofMinutes(15);
    private static final Object PENDING_LOCK = new Object();
    private static final Object REFRESH_LOCKS = new Object();
    private static final String REFRESH_LOCK_KEY = SignInMechanism.class.getName() + ".refresh";

    @Inject OidcProvider provider;

    @Inject UserProfiles profiles;

    @Inject SiteOrigins origins;

    @Inject SetupStatus setup;

    @Inject AccessChanges access;

    @Override
    public AuthenticationStatus validateRequest(
            HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        if (origins.forPreviews(request)) {
            // Nobody signs in on the preview address: no session, no cookie, no redirect to
            // Keycloak. A protected page there is refused now (the filters, which refuse the
            // others, run after this).
            return context.isProtected() ? refuseOnPreviewAddress(response) : context.doNothing();
        }
        String path = pathOf(request);
        if (setup.pending()) {
            // Until the appliance is set up nobody signs in: protected pages lead to the wizard.
            return context.isProtected() || CALLBACK_PATH.equals(path)
                    ? context.redirect(request.getContextPath() + "/setup")
                    : context.doNothing();
        }
        if (CALLBACK_PATH.equals(path)) {
            return completeSignIn(request, context);
        }
        SignedInUser user = currentUser(request);
        if (user != null) {
            // The token's roles, with the role and plan an administrator set in their place.
            return context.notifyContainerAboutLogin(
                    new CallerPrincipal(user.subject()),
                    access.roles(user.subject(), user.roles()));
        }
        if (context.isProtected()) {
            return startSignIn(request, context, REGISTER_PATH.equals(path));
        }
        return context.doNothing();
    }

    private static AuthenticationStatus refuseOnPreviewAddress(HttpServletResponse response) {
        try {
            SecurityHeadersFilter.refuseOnPreviewAddress(response);
        } catch (IOException e) {
            LOG.log(Level.FINE, "client gone: {0}", e.getMessage());
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    /** The signed-in user of this session, refreshed if due; null when there is none any more. */
    private SignedInUser currentUser(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        try {
            SignedInUser user = SignedInUser.in(session);
            if (user != null && access.ended(user.subject(), user.signedInAt())) {
                // An administrator suspended the person or ended their sessions: this one too.
                LOG.log(Level.INFO, "session of {0} ended by an administrator", user);
                session.removeAttribute(SignedInUser.SESSION_KEY);
                return null;
            }
            if (user == null || !user.needsRefresh(Instant.now())) {
                return user;
            }
            // A page loads many resources at once: one of them refreshes, the others wait for it
            // and take its result, instead of each spending the same refresh token.
            synchronized (refreshLock(session)) {
                SignedInUser current = SignedInUser.in(session);
                if (current == null || !current.needsRefresh(Instant.now())) {
                    return current;
                }
                return refreshed(session, current);
            }
        } catch (IllegalStateException e) {
            // The session ended while this request was under way (signed out in another tab).
            return null;
        }
    }

    private SignedInUser refreshed(HttpSession session, SignedInUser user) {
        try {
            OidcProvider.Tokens tokens = provider.refresh(user.refreshToken());
            SignedInUser refreshed =
                    SignedInUser.from(
                            provider.verifyIdToken(tokens.idToken(), null),
                            tokens,
                            user.signedInAt());
            if (!refreshed.subject().equals(user.subject())) {
                throw new SignInException("the refreshed token names another person");
            }
            session.setAttribute(SignedInUser.SESSION_KEY, refreshed);
            return refreshed;
        } catch (SignInException | ParseException | RuntimeException e) {
            // Keycloak's session ended (signed out elsewhere, idle, disabled): so does this one.
            LOG.log(Level.FINE, "session of {0} ended: {1}", new Object[] {user, e.getMessage()});
            session.removeAttribute(SignedInUser.SESSION_KEY);
            return null;
        }
    }

    /** One lock object per session (per node: it only spares Keycloak duplicate refreshes). */
    private static Object refreshLock(HttpSession session) {
        synchronized (REFRESH_LOCKS) {
            Object lock = session.getAttribute(REFRESH_LOCK_KEY);
            if (lock == null) {
                lock = new RefreshLock();
                session.setAttribute(REFRESH_LOCK_KEY, lock);
            }
            return lock;
        }
    }

    /** A session attribute that survives serialization (a restored session gets a new one). */
    private static final class RefreshLock implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private AuthenticationStatus startSignIn(
            HttpServletRequest request, HttpMessageContext context, boolean register) {
        PendingSignIn pending = PendingSignIn.start(returnTo(request));
        try {
            String location =
                    provider.authorizationUri(
                                    register,
                                    pending.state(),
                                    pending.nonce(),
                                    pending.codeChallenge())
                            .toString();
            pendingSignIns(request.getSession(true)).put(pending.state(), pending);
            return context.redirect(location);
        } catch (SignInException e) {
            LOG.log(Level.WARNING, "cannot start a sign-in: {0}", e.getMessage());
            return context.redirect(
                    request.getContextPath() + PROBLEM_PAGE + "?reason=unavailable");
        }
    }

    private AuthenticationStatus completeSignIn(
            HttpServletRequest request, HttpMessageContext context) {
        HttpSession session = request.getSession(false);
        String state = request.getParameter("state");
        PendingSignIn pending =
                session == null || state == null ? null : pendingSignIns(session).remove(state);
        if (pending == null || pending.startedAt().plus(PENDING_LIFETIME).isBefore(Instant.now())) {
            // A stale, replayed or forged callback: start again rather than trust it.
            return problem(request, context, "expired");
        }
        if (request.getParameter("error") != null || request.getParameter("code") == null) {
            return problem(request, context, "refused");
        }
        try {
            OidcProvider.Tokens tokens =
                    provider.exchangeCode(request.getParameter("code"), pending.codeVerifier());
            JWTClaimsSet claims = provider.verifyIdToken(tokens.idToken(), pending.nonce());
            SignedInUser user = SignedInUser.from(claims, tokens);
            UserProfile profile = profiles.signedIn(user.asSignIn());
            if (profile.isSuspended()) {
                // Keycloak refuses a suspended person too, unless it could not be told.
                LOG.log(Level.INFO, "sign-in of suspended {0} refused", user);
                return problem(request, context, "suspended");
            }
            request.changeSessionId(); // no session fixation across the sign-in
            session.setAttribute(SignedInUser.SESSION_KEY, user);
            return context.redirect(request.getContextPath() + pending.returnTo());
        } catch (SignInException | ParseException e) {
            LOG.log(Level.WARNING, "sign-in failed: {0}", e.getMessage());
            return problem(request, context, "unavailable");
        }
    }

    private static AuthenticationStatus problem(
            HttpServletRequest request, HttpMessageContext context, String reason) {
        return context.redirect(request.getContextPath() + PROBLEM_PAGE + "?reason=" + reason);
    }

    private static Map<String, PendingSignIn> pendingSignIns(HttpSession session) {
        synchronized (PENDING_LOCK) {
            Object known = session.getAttribute(PENDING_KEY);
            if (known instanceof PendingMap map) {
                return map;
            }
            PendingMap map = new PendingMap();
            session.setAttribute(PENDING_KEY, map);
            return map;
        }
    }

    /** A few sign-ins may be pending at once (several tabs); the oldest give way. */
    static final class PendingMap extends LinkedHashMap<String, PendingSignIn>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PendingSignIn> eldest) {
            return size() > MAX_PENDING;
        }

        @Override
        public synchronized PendingSignIn put(String key, PendingSignIn value) {
            return super.put(key, value);
        }

        @Override
        public synchronized PendingSignIn remove(Object key) {
            return super.remove(key);
        }
    }

    /** Where to come back to after signing in: this page (GET with its query), same site only. */
    static String returnTo(HttpServletRequest request) {
        String path = pathOf(request);
        if (path.equals("/signin") || path.equals(REGISTER_PATH)) {
            return "/signin";
        }
        String query = request.getQueryString();
        String target =
                "GET".equals(request.getMethod()) && query != null ? path + "?" + query : path;
        boolean sameSite =
                target.startsWith("/") && !target.startsWith("//") && target.indexOf('\\') < 0;
        return sameSite ? target : "/";
    }

    private static String pathOf(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.isEmpty() ? "/" : path;
    }
}
