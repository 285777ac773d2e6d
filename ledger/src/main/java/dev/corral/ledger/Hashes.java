package dev.corral.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex, the one hash of the journal and the balance tree. */
public final class Hashes {
    /** The hash before the first journal entry. */
    public static final String ZERO = "0".repeat(64);
    private static final HexFormat HEX = HexFormat.of();
    /** Hundreds of thousands of hashes per epoch close: one digest per thread rather than one per hash. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    });

    private Hashes() {}

    public static String sha256(String text) {
        return HEX.formatHex(DIGEST.get().digest(text.getBytes(UTF_8)));
    }
}
