package dev.corral.store;

/** A row with the same unique key already exists. */
public final class DuplicateException extends RuntimeException {
    public DuplicateException(String message) {
        super(message);
    }
}
