package dev.corral.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The lock on an agent's data directory, held for the agent's whole life: one agent per device,
 * and the watchdog of a dead agent learns from it whether a new one has taken over its ranks.
 */
final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = "agent.lock";
    /** How long a starting agent waits for the lock: a watchdog holds it while it cleans up. */
    static final Duration WAIT_MAX = Duration.ofSeconds(30);
    static final Duration RETRY = Duration.ofMillis(100);

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, if no other process holds it now. */
    static Optional<DataDirectoryLock> tryTake(Path dataDirectory) throws IOException {
        FileChannel channel = FileChannel.open(dataDirectory.resolve(FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new DataDirectoryLock(channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // held in this process
        }
        channel.close();
        return Optional.empty();
    }

    /** The lock, waiting up to {@link #WAIT_MAX} for whoever holds it. */
    static DataDirectoryLock take(Path dataDirectory) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT_MAX.toNanos();
        while (true) {
            Optional<DataDirectoryLock> taken = tryTake(dataDirectory);
            if (taken.isPresent()) {
                return taken.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("another agent runs on " + dataDirectory + " (it holds " + FILE + ")");
            }
            Thread.sleep(RETRY.toMillis());
        }
    }

    /** Releases the lock; again, nothing. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            lock.release();
            channel.close();
        }
    }
}
