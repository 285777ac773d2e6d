package dev.corral.server.devices;

import dev.corral.core.DeviceId;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes a device's long-poll when its work may have changed. A poll reads the generation
 * first, then computes the work, then waits for a generation after the one it read, so a
 * change between the two is never missed.
 *
 * <p>It also remembers the version of the work last computed for each device and the
 * generation it was computed at. Every change to a device's work signals its device after
 * it commits, so while the generation has not moved that version is still the work's: a poll
 * from an agent that already holds it can wait without reading the store first.
 */
public final class WorkBoard {
    private final ConcurrentHashMap<DeviceId, Signal> signals = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long generation;
        private String version;
        /** The generation {@link #version} was computed at; none yet. */
        private long versionGeneration = -1;
    }

    public long generation(DeviceId device) {
        Signal signal = signalOf(device);
        signal.lock.lock();
        try {
            return signal.generation;
        } finally {
            signal.lock.unlock();
        }
    }

    /** The work computed for the device, after reading the generation, has this version. */
    public void computed(DeviceId device, long generation, String version) {
        Signal signal = signalOf(device);
        signal.lock.lock();
        try {
            if (generation >= signal.versionGeneration) {
                signal.version = version;
                signal.versionGeneration = generation;
            }
        } finally {
            signal.lock.unlock();
        }
    }

    /** Whether the device's work still has this version: computed so at this generation, and none since. */
    public boolean unchanged(DeviceId device, long generation, String version) {
        Signal signal = signalOf(device);
        signal.lock.lock();
        try {
            return signal.generation == generation && signal.versionGeneration == generation
                    && version.equals(signal.version);
        } finally {
            signal.lock.unlock();
        }
    }

    public void signal(DeviceId device) {
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
    public void awaitChange(DeviceId device, long seen, Duration wait) throws InterruptedException {
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

    public boolean isClosed() {
        return closed;
    }

    /** Wakes every waiting poll and makes later ones return at once: the coordinator is stopping. */
    public void close() {
        closed = true;
        signals.keySet().forEach(this::signal);
    }

    private Signal signalOf(DeviceId device) {
        return signals.computeIfAbsent(device, id -> new Signal());
    }
}
