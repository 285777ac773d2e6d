package dev.corral.store;

/** The store was closed (the coordinator is shutting down): nothing was done; try again later. */
public final class StoreClosedException extends StoreException {
    public StoreClosedException() {
        super("the store is closed: the coordinator is shutting down", null);
    }
}
