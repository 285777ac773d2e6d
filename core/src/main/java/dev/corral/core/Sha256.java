package dev.corral.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex: the one hash of request bodies, secrets, the journal and every Merkle tree. */
public final class Sha256 {
    private static final HexFormat HEX = HexFormat.of();
    /** Hundreds of thousands of hashes per epoch close: one digest per thread rather than one per hash. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    });

    private Sha256() {}

    public static String hex(byte[] bytes) {
        return HEX.formatHex(DIGEST.get().digest(bytes));
    }

    public static String hex(String text) {
        return hex(text.getBytes(UTF_8));
    }
}
