package dev.corral.core.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.regex.Pattern;

/**
 * What the coordinator says of itself at {@code GET /agent/v1/identity?nonce=N}: its key, and
 * the SHA-256 (hex) of the TLS certificate it serves (null over plain HTTP), signed by that key
 * together with the agent's fresh nonce. An agent whose join token names the key's fingerprint
 * then trusts exactly that certificate: a proxy with a certificate of its own, even one a public
 * CA signed, is refused, and so is someone replaying an identity the coordinator gave out for a
 * certificate it no longer serves.
 *
 * @param publicKey the coordinator's Ed25519 key, base64 X.509
 * @param tlsCertificateSha256 lower-case hex SHA-256 of the DER certificate served; null without TLS
 * @param signature base64 Ed25519 signature by publicKey over {@link #signedText}
 */
public record CoordinatorIdentity(String publicKey, String tlsCertificateSha256, String signature) {
    private static final String DOMAIN = "CORRAL-COORDINATOR-TLS-V1";
    /** The agent's nonce: 32 lower-case hex digits, as a request's. */
    public static final Pattern NONCE = Pattern.compile("[0-9a-f]{32}");

    /** The bytes the coordinator signs: the agent's nonce and the certificate it serves ("-" for none). */
    public static byte[] signedText(String nonce, String tlsCertificateSha256) {
        return String.join("\n", DOMAIN, nonce, tlsCertificateSha256 == null ? "-" : tlsCertificateSha256)
                .getBytes(UTF_8);
    }
}
