package pro.codai.portal.setup;

import java.security.GeneralSecurityException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;

import jakarta.enterprise.context.ApplicationScoped;

import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.SSLUtil;

import pro.codai.platform.setup.InvalidSetupInput;

/**
 * The wizard's <em>Test connection</em>: connects to the campus directory as Keycloak will, binds
 * with the service account, and counts the people under the users DN. Changes nothing there. Over
 * TLS ({@code ldaps://} or StartTLS) the directory's certificate must be issued by a CA the JVM
 * trusts or by the campus CA uploaded in the wizard (which root adds to the host's and Keycloak's
 * trust when setup finishes), and must name the host of the URL.
 */
@ApplicationScoped
public class DirectoryProbe {

    /** Counting stops here: a campus directory's size is not the question. */
    static final int COUNT_LIMIT = 100_000;

    /** People found, or why not, in words for the administrator. */
    public record Result(boolean connected, long people, String message) {}

    public Result test(DirectorySettings directory, String campusCaPem) {
        LDAPURL url;
        try {
            url = new LDAPURL(directory.url());
        } catch (LDAPException e) {
            return new Result(
                    false,
                    0,
                    "'"
                            + directory.url()
                            + "' is not an LDAP URL"
                            + " (ldap://host:389 or ldaps://host:636).");
        }
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(5_000);
        options.setResponseTimeoutMillis(15_000);
        // The bind password goes only to the host the URL names: its certificate must name it.
        options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(false));
        X509TrustManager trust;
        try {
            trust = CampusTrust.trustManager(campusCaPem);
        } catch (InvalidSetupInput | GeneralSecurityException e) {
            return new Result(false, 0, CampusTrust.unusable(e));
        }
        try {
            SSLUtil ssl = new SSLUtil(trust);
            SSLSocketFactory sockets =
                    url.getScheme().equals("ldaps") ? ssl.createSSLSocketFactory() : null;
            try (LDAPConnection connection =
                    new LDAPConnection(sockets, options, url.getHost(), url.getPort())) {
                if (directory.startTls() && sockets == null) {
                    ExtendedResult started =
                            connection.processExtendedOperation(
                                    new StartTLSExtendedRequest(ssl.createSSLContext()));
                    if (started.getResultCode() != ResultCode.SUCCESS) {
                        return new Result(
                                false,
                                0,
                                "The directory refused StartTLS: "
                                        + started.getDiagnosticMessage());
                    }
                }
                connection.bind(directory.bindDn(), directory.bindPassword());
                String filter =
                        directory.activeDirectory()
                                ? "(&(objectClass=user)(objectCategory=person))"
                                : "(|(objectClass=inetOrgPerson)(objectClass=organizationalPerson))";
                SearchRequest search =
                        new SearchRequest(directory.usersDn(), SearchScope.SUB, filter, "1.1");
                search.setSizeLimit(COUNT_LIMIT);
                SearchResult found;
                try {
                    found = connection.search(search);
                } catch (com.unboundid.ldap.sdk.LDAPSearchException e) {
                    if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                        return new Result(
                                true,
                                COUNT_LIMIT,
                                "Connected: more than "
                                        + COUNT_LIMIT
                                        + " people under "
                                        + directory.usersDn()
                                        + ".");
                    }
                    throw e;
                }
                long people = found.getEntryCount();
                return new Result(
                        true,
                        people,
                        "Connected: "
                                + people
                                + (people == 1 ? " person" : " people")
                                + " under "
                                + directory.usersDn()
                                + ".");
            }
        } catch (LDAPException e) {
            return new Result(false, 0, explain(e, directory));
        } catch (GeneralSecurityException e) {
            return new Result(false, 0, "TLS could not be set up: " + e.getMessage());
        }
    }

    private static String explain(LDAPException e, DirectorySettings directory) {
        ResultCode code = e.getResultCode();
        if (CampusTrust.untrusted(e)) {
            return CampusTrust.untrustedMessage("The directory at " + directory.url(), e);
        }
        if (code == ResultCode.CONNECT_ERROR
                || code == ResultCode.SERVER_DOWN
                || code == ResultCode.TIMEOUT) {
            return "The directory at "
                    + directory.url()
                    + " cannot be reached ("
                    + e.getExceptionMessage()
                    + ").";
        }
        if (code == ResultCode.INVALID_CREDENTIALS) {
            return "The directory refused the bind DN or its password.";
        }
        if (code == ResultCode.NO_SUCH_OBJECT) {
            return "The directory has no entry " + directory.usersDn() + " (users DN).";
        }
        return "The directory answered: " + e.getExceptionMessage();
    }
}
