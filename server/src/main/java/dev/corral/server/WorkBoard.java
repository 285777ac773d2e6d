package dev.corral.server;

import dev.corral.core.DeviceId;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes a device's long-poll when its work may have changed. A poll reads the generation
 * first, then computes the work, then waits for a generation after the one it read, so a
 * change between the two is never missed.
 */
final class WorkBoard {
    private final ConcurrentHashMap<DeviceId, Signal> signals = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long generation;
    }

    long generation(DeviceId device) {
        Signal signal = signalOf(device);
        signal.lock.lock();
        try {
            return signal.generation;
        } finally {
            signal.lock.unlock();
        }
    }

    void signal(DeviceId device) {
        Signal signal = signalOf(device);
        signal.lock.lock();
        try {
            signal.generation++;
            signal.changed.signalAll();
        } finally {
            signal.lock.unlock();
        }
    }

    /** Waits until the generation moves past the one seen, or the wait runs out. */
    void awaitChange(DeviceId device, long seen, Duration wait) throws InterruptedException {
        Signal signal = signalOf(device);
        long nanos = wait.toNanos();
        signal.lock.lock();
        try {
            while (signal.generation == seen && nanos > 0 && !closed) {
                nanos = signal.changed.awaitNanos(nanos);
            }
        } finally {
            signal.lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Wakes every waiting poll and makes later ones return at once: the coordinator is stopping. */
    void close() {
        closed = true;
        signals.keySet().forEach(this::signal);
    }

    private Signal signalOf(DeviceId device) {
        return signals.computeIfAbsent(device, id -> new Signal());
    }
}
