package dev.corral.server;

/** An error the caller caused or can fix: an HTTP status, a stable code and a message saying what to do. */
final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    static ApiException notFound(String what, String id) {
        return new ApiException(404, "not_found", "no " + what + " " + id);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    /** A whole-number query parameter; null when absent, a 400 naming it when not a number. */
    static Integer integerParam(String name, String text) {
        Long value = longParam(name, text);
        if (value != null && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw badRequest(name + " is out of range: " + text);
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
            default -> throw badRequest(name + " must be true or false, not '" + text + "'");
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
            throw badRequest(name + " must be a whole number, not '" + text + "'");
        }
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
