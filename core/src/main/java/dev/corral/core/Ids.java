package dev.corral.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Random, prefixed, URL-safe identifiers ("acc_1f2e...") and their validation. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RANDOM_BYTES = 10;
    private static final Pattern SHAPE = Pattern.compile("[a-z]{2,4}_[0-9a-f]{20}");

    private Ids() {}

    public static String random(String prefix) {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + HexFormat.of().formatHex(bytes);
    }

    static String validate(String value, String prefix, String what) {
        if (value == null || !value.startsWith(prefix + "_") || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid " + what + " id: " + value);
        }
        return value;
    }

    /** Whether a string has the shape of an id with this prefix, without throwing. */
    public static boolean looksLike(String value, String prefix) {
        return value != null && value.startsWith(prefix + "_") && SHAPE.matcher(value).matches();
    }
}
