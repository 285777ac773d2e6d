package dev.corral.core;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random, prefixed, URL-safe identifiers ("acc_1f2e...") and their validation. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_BYTES = 10;
    private static final int RANDOM_HEX_DIGITS = 2 * RANDOM_BYTES;

    private Ids() {}

    public static String random(String prefix) {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    static String validate(String value, String prefix, String what) {
        if (!looksLike(value, prefix)) {
            throw new IllegalArgumentException("not a valid " + what + " id: " + value);
        }
        return value;
    }

    /**
     * Whether a string has the shape of an id with this prefix (the prefix, "_", 20 lower-case
     * hex digits), without throwing. Checked by hand, not by a regular expression: every id read
     * from the store or a request passes here (two million of them when an epoch closes over a
     * million devices).
     */
    public static boolean looksLike(String value, String prefix) {
        int separator = prefix.length();
        if (value == null || value.length() != separator + 1 + RANDOM_HEX_DIGITS || !value.startsWith(prefix)
                || value.charAt(separator) != '_') {
            return false;
        }
        for (int i = separator + 1; i < value.length(); i++) {
            char digit = value.charAt(i);
            if ((digit < '0' || digit > '9') && (digit < 'a' || digit > 'f')) {
                return false;
            }
        }
        return true;
    }
}
