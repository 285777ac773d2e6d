package dev.corral.sdk;

/** The coordinator refused a call: its HTTP status, error code and message. */
public final class CorralException extends RuntimeException {
    private final int status;
    private final String error;

    public CorralException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
