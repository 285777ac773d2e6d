package dev.corral.server.accounts;

import dev.corral.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Bearer secrets (API keys, admin key, join tokens): 256 random bits, stored only as their
 * SHA-256. A fast hash is enough because the secrets are random, not chosen by people.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SECRET_BYTES = 32;

    private Secrets() {}

    public static String newSecret(String prefix) {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        return Sha256.hex(secret.getBytes(StandardCharsets.UTF_8));
    }
}
