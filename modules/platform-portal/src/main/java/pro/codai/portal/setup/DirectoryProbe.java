package pro.codai.portal.setup;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
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
import com.unboundid.util.ssl.AggregateTrustManager;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;

import pro.codai.platform.setup.InvalidSetupInput;
import pro.codai.platform.setup.TlsMaterial;

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
            trust = trust(campusCaPem);
        } catch (InvalidSetupInput e) {
            return new Result(false, 0, e.getMessage());
        } catch (GeneralSecurityException e) {
            return new Result(false, 0, "The campus CA cannot be used: " + e.getMessage());
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

    /** The JVM's trusted CAs, and the campus CA when one was uploaded. */
    static X509TrustManager trust(String campusCaPem)
            throws InvalidSetupInput, GeneralSecurityException {
        if (campusCaPem == null || campusCaPem.isBlank()) {
            return JVMDefaultTrustManager.getInstance();
        }
        TlsMaterial.checkCertificates(campusCaPem, "campus CA");
        List<X509Certificate> authorities = TlsMaterial.certificates(campusCaPem, "campus CA");
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new CertificateException(e);
        }
        for (int i = 0; i < authorities.size(); i++) {
            store.setCertificateEntry("campus-ca-" + i, authorities.get(i));
        }
        TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        X509TrustManager campus = null;
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                campus = x509;
            }
        }
        if (campus == null) {
            throw new CertificateException("no X.509 trust manager");
        }
        return new AggregateTrustManager(false, JVMDefaultTrustManager.getInstance(), campus);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /** The innermost cause in a few words, e.g. "ConnectException: Connection refused". */
    static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e
                ? String.valueOf(e.getMessage())
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static String explain(LDAPException e, DirectorySettings directory) {
        ResultCode code = e.getResultCode();
        if (causedBy(e, SSLHandshakeException.class) || causedBy(e, CertificateException.class)) {
            return "The directory at "
                    + directory.url()
                    + " answered with a certificate that is not trusted or does not name its host"
                    + " ("
                    + rootCause(e)
                    + "). Upload the campus CA that issued it in step 2 (Host name and TLS).";
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
