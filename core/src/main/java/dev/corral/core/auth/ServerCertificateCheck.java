package dev.corral.core.auth;

import dev.corral.core.Sha256;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A TLS trust manager for a client that decides about servers' certificates itself (a pinned
 * one, one vouched for by a key): the JDK hands every check to {@link #check}, with the
 * connection's socket or engine where it has one (for a host-name check); no client is
 * trusted. Being an {@link X509ExtendedTrustManager}, it is used as it is: the JDK adds no
 * host-name check of its own.
 */
public abstract class ServerCertificateCheck extends X509ExtendedTrustManager {
    /**
     * The SHA-256 of a certificate's DER bytes as lower-case hex: what pins and identities name
     * (and `openssl x509 -fingerprint -sha256` shows, in upper case with colons).
     */
    public static String sha256(Certificate certificate) throws CertificateEncodingException {
        return Sha256.hex(certificate.getEncoded());
    }

    /** Throws when the chain a server presented is not to be trusted; socket and engine may be null. */
    protected abstract void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
            throws CertificateException;

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, null);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, socket, null);
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, null, engine);
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this client trusts no clients");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("this client trusts no clients");
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this client trusts no clients");
    }

    @Override
    public final X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
