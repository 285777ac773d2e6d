package dev.corral.server.http;

import dev.corral.server.Refusal;
import io.javalin.http.Context;

/** Query parameters read strictly: absent is the fallback, anything malformed a refusal that names the parameter. */
public final class Params {
    private Params() {}

    static int intParam(Context ctx, String name, int fallback) {
        Integer value = integerParam(name, ctx.queryParam(name));
        return value == null ? fallback : value;
    }

    static boolean booleanParam(Context ctx, String name, boolean fallback) {
        Boolean value = booleanParam(name, ctx.queryParam(name));
        return value == null ? fallback : value;
    }

    public static long longParam(Context ctx, String name, long fallback) {
        Long value = longParam(name, ctx.queryParam(name));
        return value == null ? fallback : value;
    }

    /** A whole-number query parameter; null when absent, a refusal naming it when not a number. */
    static Integer integerParam(String name, String text) {
        Long value = longParam(name, text);
        if (value != null && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw Refusal.invalid(name + " is out of range: " + text);
        }
        return value == null ? null : value.intValue();
    }

    /** A query parameter that is true or false; null when absent. */
    static Boolean booleanParam(String name, String text) {
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Refusal.invalid(name + " must be true or false, not '" + text + "'");
        };
    }

    /** A whole-number query parameter that may be large (a journal position); null when absent. */
    static Long longParam(String name, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw Refusal.invalid(name + " must be a whole number, not '" + text + "'");
        }
    }
}
