package dev.corral.agent;

import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.AnswerSignature;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.auth.ServerCertificateCheck;
import dev.corral.core.auth.Signatures;
import dev.corral.core.protocol.CoordinatorIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The one coordinator this agent serves, held to the key its join token named.
 * <ul>
 *   <li>Before the agent sends anything, the coordinator proves itself: its identity (its key,
 *   whose fingerprint must be the pinned one, and the SHA-256 of its TLS certificate, signed by
 *   that key) must match the certificate the connection presented.</li>
 *   <li>From then on, a TLS connection is made only to a server presenting exactly that
 *   certificate (a proxy's own certificate is refused, whoever signed it), and every answer is
 *   acted on only with the coordinator's signature over the request's nonce.</li>
 * </ul>
 * The key is kept in the data directory ({@link #PIN_FILE}) once the device registered, so a
 * restart needs no join token to know whom to trust.
 */
final class CoordinatorTrust {
    static final String PIN_FILE = "coordinator.pub";

    /** The server is not the coordinator this device joined, or answered in a way only an impostor would. */
    static final class UntrustedCoordinatorException extends IOException {
        UntrustedCoordinatorException(String message) {
            super(message);
        }
    }

    private final String fingerprint;
    private volatile Signatures.Verifier key;
    private volatile PublicKey publicKey;
    /** The certificate the coordinator's key vouched for; null until proven, and over plain HTTP. */
    private volatile String certificateSha256;
    private volatile boolean proven;
    private final SSLSocketFactory pinnedSockets;
    private final SSLSocketFactory learningSockets;

    private CoordinatorTrust(String fingerprint, PublicKey known) {
        this.fingerprint = fingerprint;
        if (known != null) {
            this.publicKey = known;
            this.key = Signatures.verifier(known).orElseThrow(() -> new IllegalStateException("the pinned key is not Ed25519"));
        }
        this.pinnedSockets = sockets(new PinnedCertificate(this));
        this.learningSockets = sockets(new AnyCertificate());
    }

    /**
     * The trust of the agent in this data directory: the key it pinned when it registered, or
     * else the fingerprint its join token carries.
     */
    static CoordinatorTrust of(Path dataDirectory, String joinToken) {
        Path pin = dataDirectory.resolve(PIN_FILE);
        if (Files.exists(pin)) {
            try {
                PublicKey key = AgentSignature.decodePublicKey(Files.readString(pin).trim());
                return new CoordinatorTrust(CoordinatorKey.fingerprint(key), key);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the pinned coordinator key " + pin, e);
            }
        }
        if (joinToken == null) {
            throw new IllegalArgumentException("this device has no coordinator pinned (" + pin + " is missing): start it "
                    + "with a new join token ('corral device join-token'), which names the coordinator to trust");
        }
        return named(joinToken);
    }

    /** Trust in the coordinator this join token names. */
    static CoordinatorTrust named(String joinToken) {
        return new CoordinatorTrust(CoordinatorKey.tokenFingerprint(joinToken).orElseThrow(() ->
                new IllegalArgumentException("the join token names no coordinator key (it should end in "
                        + "'.FINGERPRINT'): make a new one with 'corral device join-token' and copy it whole")), null);
    }

    boolean proven() {
        return proven;
    }

    /**
     * Checks what the server said of itself against the pinned fingerprint and the certificate
     * the connection presented (null over plain HTTP); on success the coordinator is proven.
     */
    synchronized void prove(CoordinatorIdentity identity, String nonce, String presentedCertificateSha256,
            String server) throws UntrustedCoordinatorException {
        PublicKey claimed;
        try {
            claimed = AgentSignature.decodePublicKey(identity.publicKey());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UntrustedCoordinatorException("the server at " + server + " sent no coordinator key");
        }
        String claimedFingerprint = CoordinatorKey.fingerprint(claimed);
        if (!claimedFingerprint.equals(fingerprint)) {
            throw new UntrustedCoordinatorException("the server at " + server + " is not the coordinator this device "
                    + "joined: its key's fingerprint is " + claimedFingerprint + ", this device trusts " + fingerprint);
        }
        Signatures.Verifier verifier = Signatures.verifier(claimed).orElseThrow();
        if (identity.signature() == null || !AgentSignature.verify(verifier,
                CoordinatorIdentity.signedText(nonce, identity.tlsCertificateSha256()), identity.signature())) {
            throw new UntrustedCoordinatorException("the server at " + server + " did not sign its identity, for this "
                    + "request, with the coordinator's key");
        }
        if (presentedCertificateSha256 != null && !presentedCertificateSha256.equals(identity.tlsCertificateSha256())) {
            throw new UntrustedCoordinatorException("the server at " + server + " presented a TLS certificate (SHA-256 "
                    + presentedCertificateSha256 + ") that the coordinator's key does not vouch for (it vouches for "
                    + identity.tlsCertificateSha256() + "): something between this device and its coordinator is "
                    + "answering in its place");
        }
        this.publicKey = claimed;
        this.key = verifier;
        this.certificateSha256 = presentedCertificateSha256;
        this.proven = true;
    }

    /** The certificate changed (the coordinator restarted with new files): it must prove itself again. */
    synchronized void forgetCertificate() {
        proven = false;
        certificateSha256 = null;
    }

    /** Whether the coordinator signed this answer to this request. */
    boolean signed(AnswerSignature.Request request, int status, String bodySha256, String signature) {
        Signatures.Verifier verifier = key;
        return verifier != null && AnswerSignature.verify(verifier, request, status, bodySha256, signature);
    }

    /** Keeps the proven key in the data directory, for the device's later starts. */
    void save(Path dataDirectory) throws IOException {
        Path temp = dataDirectory.resolve(PIN_FILE + ".tmp");
        Files.writeString(temp, AgentSignature.encodePublicKey(publicKey), StandardCharsets.UTF_8);
        Files.move(temp, dataDirectory.resolve(PIN_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Has an HTTPS connection trust only the proven certificate (the name it was reached by does not matter). */
    void pin(HttpURLConnection connection) {
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(pinnedSockets);
            https.setHostnameVerifier((host, session) -> true);
        }
    }

    /** Has an HTTPS connection take any certificate: for the identity only, which is then checked against it. */
    void learn(HttpURLConnection connection) {
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(learningSockets);
            https.setHostnameVerifier((host, session) -> true);
        }
    }

    /** The SHA-256 (hex) of the certificate a connection presented; empty over plain HTTP. */
    static Optional<String> presented(HttpURLConnection connection) throws IOException {
        if (!(connection instanceof HttpsURLConnection https)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ServerCertificateCheck.sha256(https.getServerCertificates()[0]));
        } catch (CertificateEncodingException e) {
            throw new IOException("the server's certificate cannot be read: " + e.getMessage(), e);
        }
    }


    private static SSLSocketFactory sockets(TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK", e);
        }
    }

    /** Takes the one certificate the coordinator's key vouched for, and nothing else. */
    private static final class PinnedCertificate extends ServerCertificateCheck {
        private final CoordinatorTrust trust;

        PinnedCertificate(CoordinatorTrust trust) {
            this.trust = trust;
        }

        @Override
        protected void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine)
                throws CertificateException {
            String expected = trust.certificateSha256;
            String presented = ServerCertificateCheck.sha256(chain[0]);
            if (expected == null || !expected.equals(presented)) {
                throw new CertificateException("the server presented a certificate with SHA-256 " + presented
                        + ", not the one the coordinator's key vouched for (" + expected + ")");
            }
        }
    }

    /** Takes any certificate: the identity fetched over it is checked against the certificate afterwards. */
    private static final class AnyCertificate extends ServerCertificateCheck {
        @Override
        protected void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) {}
    }
}
