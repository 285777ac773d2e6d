package dev.corral.core.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * What the coordinator says of itself at {@code GET /agent/v1/identity}: its key, and the
 * SHA-256 (hex) of the TLS certificate it serves, signed by that key (null over plain HTTP).
 * An agent whose join token names the key's fingerprint then trusts exactly that certificate:
 * a proxy with a certificate of its own, even one a public CA signed, is refused.
 *
 * @param publicKey the coordinator's Ed25519 key, base64 X.509
 * @param tlsCertificateSha256 lower-case hex SHA-256 of the DER certificate served; null without TLS
 * @param signature base64 Ed25519 signature by publicKey over {@link #signedText}
 */
public record CoordinatorIdentity(String publicKey, String tlsCertificateSha256, String signature) {
    private static final String DOMAIN = "CORRAL-COORDINATOR-TLS-V1";

    /** The bytes the coordinator signs: the certificate it serves, or "-" for none. */
    public static byte[] signedText(String tlsCertificateSha256) {
        return (DOMAIN + "\n" + (tlsCertificateSha256 == null ? "-" : tlsCertificateSha256)).getBytes(UTF_8);
    }
}
