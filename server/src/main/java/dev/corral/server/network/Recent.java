package dev.corral.server.network;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A value computed again once older than its age limit; one computation serves every caller
 * meanwhile: for figures anyone may ask for as often as they like.
 */
public final class Recent<T> {
    private record Taken<T>(T value, long atNanos) {}

    private final long ageMaxNanos;
    private final Supplier<T> compute;
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Taken<T> taken;

    public Recent(Duration ageMax, Supplier<T> compute) {
        this.ageMaxNanos = ageMax.toNanos();
        this.compute = compute;
    }

    public T get() {
        Taken<T> current = taken;
        if (current != null && System.nanoTime() - current.atNanos() < ageMaxNanos) {
            return current.value();
        }
        refreshing.lock();
        try {
            current = taken;
            if (current == null || System.nanoTime() - current.atNanos() >= ageMaxNanos) {
                current = new Taken<>(compute.get(), System.nanoTime());
                taken = current;
            }
            return current.value();
        } finally {
            refreshing.unlock();
        }
    }
}
