package pro.codai.portal.setup;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import com.unboundid.util.ssl.AggregateTrustManager;
import com.unboundid.util.ssl.JVMDefaultTrustManager;

import pro.codai.platform.setup.InvalidSetupInput;
import pro.codai.platform.setup.TlsMaterial;

/**
 * What the wizard's probes trust over TLS: the JVM's CAs and, when one was uploaded in step 2, the
 * campus CA, which root adds to the host's and Keycloak's trust when setup finishes, so a probe
 * that passes here passes for Keycloak too. Shared by the directory's and the mail relay's tests.
 */
final class CampusTrust {

    private CampusTrust() {}

    /** The JVM's trusted CAs, and the campus CA (PEM) when one was uploaded. */
    static X509TrustManager trustManager(String campusCaPem)
            throws InvalidSetupInput, GeneralSecurityException {
        if (campusCaPem == null || campusCaPem.isBlank()) {
            return JVMDefaultTrustManager.getInstance();
        }
        TlsMaterial.checkCertificates(campusCaPem, "campus CA");
        List<X509Certificate> authorities = TlsMaterial.certificates(campusCaPem, "campus CA");
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
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

    /** TLS client sockets that trust what {@link #trustManager} trusts. */
    static SSLSocketFactory socketFactory(String campusCaPem)
            throws InvalidSetupInput, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustManager(campusCaPem)}, null);
        return context.getSocketFactory();
    }

    /** Why the campus CA cannot be used, in words for the administrator. */
    static String unusable(Exception e) {
        return e instanceof InvalidSetupInput
                ? e.getMessage()
                : "The campus CA cannot be used: " + e.getMessage();
    }

    /** Whether the TLS handshake failed: the peer's certificate was not trusted. */
    static boolean untrusted(Throwable e) {
        return causedBy(e, SSLHandshakeException.class) || causedBy(e, CertificateException.class);
    }

    /**
     * The administrator's message for a server whose certificate is not trusted, e.g. "The
     * directory at ldaps://dc1:636".
     */
    static String untrustedMessage(String server, Throwable e) {
        return server
                + " answered with a certificate that is not trusted or does not name its host ("
                + rootCause(e)
                + "). Upload the campus CA that issued it in step 2 (Host name and TLS).";
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
}
