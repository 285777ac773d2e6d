package dev.corral.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corral.core.Sha256;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The signature every agent request carries: Ed25519 by the device's own key over the
 * method, path with query, timestamp, nonce, device id and the SHA-256 of the body. The
 * coordinator checks it, the timestamp's skew and the nonce's novelty before anything else.
 */
public final class AgentSignature {
    public static final String HEADER_DEVICE = "X-Corral-Device";
    public static final String HEADER_TIMESTAMP = "X-Corral-Timestamp";
    public static final String HEADER_NONCE = "X-Corral-Nonce";
    public static final String HEADER_SIGNATURE = "X-Corral-Signature";
    public static final String ALGORITHM = "Ed25519";
    private static final String DOMAIN = "CORRAL-AGENT-V1";
    private static final int NONCE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentSignature() {}

    /** The exact bytes that are signed; any change to any part changes them. */
    public static byte[] canonical(String method, String pathAndQuery, String deviceId, long timestampMillis,
            String nonce, byte[] body) {
        return canonical(method, pathAndQuery, deviceId, timestampMillis, nonce, Sha256.hex(body));
    }

    /** As above, with the body given by its hex SHA-256. */
    public static byte[] canonical(String method, String pathAndQuery, String deviceId, long timestampMillis,
            String nonce, String bodySha256) {
        String text = String.join("\n", DOMAIN, method, pathAndQuery, deviceId == null ? "-" : deviceId,
                Long.toString(timestampMillis), nonce, bodySha256);
        return text.getBytes(UTF_8);
    }

    /** The four headers for a request; deviceId is null only for registration, where the key is in the body. */
    public static Map<String, String> sign(PrivateKey key, String method, String pathAndQuery, String deviceId,
            byte[] body, Instant now) {
        return sign(Signatures.signer(key), method, pathAndQuery, deviceId, body, now);
    }

    /** The same with a signer that has its public key derived already: a device signs every request with one. */
    public static Map<String, String> sign(Signatures.Signer key, String method, String pathAndQuery, String deviceId,
            byte[] body, Instant now) {
        String nonce = newNonce();
        long timestamp = now.toEpochMilli();
        byte[] signature = key.sign(canonical(method, pathAndQuery, deviceId, timestamp, nonce, body));
        Map<String, String> headers = new LinkedHashMap<>();
        if (deviceId != null) {
            headers.put(HEADER_DEVICE, deviceId);
        }
        headers.put(HEADER_TIMESTAMP, Long.toString(timestamp));
        headers.put(HEADER_NONCE, nonce);
        headers.put(HEADER_SIGNATURE, Base64.getEncoder().encodeToString(signature));
        return headers;
    }

    /** A fresh nonce: 16 random bytes as 32 lower-case hex digits. */
    public static String newNonce() {
        byte[] nonceBytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonceBytes);
        return HexFormat.of().formatHex(nonceBytes);
    }

    public static boolean verify(Signatures.Verifier key, byte[] canonical, String signatureBase64) {
        try {
            return key.verify(canonical, Base64.getDecoder().decode(signatureBase64));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static String encodePublicKey(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Decodes a base64 X.509 Ed25519 public key; a clear IllegalArgumentException if it is not one. */
    public static PublicKey decodePublicKey(String text) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
        } catch (IllegalArgumentException | GeneralSecurityException | NullPointerException e) {
            throw new IllegalArgumentException("not a base64 X.509 Ed25519 public key");
        }
    }
}
