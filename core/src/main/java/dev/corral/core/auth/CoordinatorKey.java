package dev.corral.core.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The coordinator's identity: its Ed25519 key (the one that signs epoch records), named by a
 * fingerprint, the SHA-256 of the key's X.509 encoding in unpadded base64url (43 characters).
 * A join token carries the fingerprint after its secret, {@code cjt_SECRET.FINGERPRINT}: the
 * agent that joins with it trusts only the coordinator that proves it holds that key.
 */
public final class CoordinatorKey {
    /** Between a join token's secret and the fingerprint: a character the secret's base64url never holds. */
    public static final char TOKEN_SEPARATOR = '.';
    private static final Pattern FINGERPRINT = Pattern.compile("[A-Za-z0-9_-]{43}");

    private CoordinatorKey() {}

    public static String fingerprint(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A join token as handed to a supplier: the secret, then the coordinator's fingerprint. */
    public static String joinToken(String secret, String fingerprint) {
        return secret + TOKEN_SEPARATOR + fingerprint;
    }

    /** The secret part of a join token, the part the coordinator checks. */
    public static String tokenSecret(String joinToken) {
        int at = joinToken.lastIndexOf(TOKEN_SEPARATOR);
        return at < 0 ? joinToken : joinToken.substring(0, at);
    }

    /** The coordinator fingerprint a join token names; empty for a token without one (or a malformed one). */
    public static Optional<String> tokenFingerprint(String joinToken) {
        int at = joinToken.lastIndexOf(TOKEN_SEPARATOR);
        if (at < 0) {
            return Optional.empty();
        }
        String fingerprint = joinToken.substring(at + 1);
        return FINGERPRINT.matcher(fingerprint).matches() ? Optional.of(fingerprint) : Optional.empty();
    }
}
