package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.WaitResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rank running in a container: its log, followed through the engine's log API into a file
 * the agent reads as it reads a process rank's output, and its exit, from the engine's wait.
 * Stopping it stops and removes the container. A rank with a disk limit has what it wrote (its
 * container's own layer) measured every {@link #DISK_CHECK_INTERVAL}, and is killed once that
 * passes the limit: it may overshoot by what it writes in one interval. This works on every
 * storage driver, where the engine's own size option needs XFS project quotas.
 */
final class RankContainer implements RunningRank {
    /** How long a rank has to stop after SIGTERM before the engine kills it. */
    static final Duration STOP_GRACE = RankProcess.STOP_GRACE;
    /** How long the log may go on arriving after the exit, before the output is read for the last time. */
    static final Duration LOG_DRAIN_WAIT = Duration.ofSeconds(5);
    /** How often a rank with a disk limit has what it wrote measured. */
    static final Duration DISK_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Measurements that fail in a row before the rank is stopped: a limit that cannot be checked is not kept. */
    static final int DISK_CHECK_FAILURES_MAX = 3;
    private static final Logger LOG = LoggerFactory.getLogger(RankContainer.class);

    private final ContainerEngine engine;
    private final String id;
    private final RankOutput output;
    private final LogToFile log;
    private final Path outputFile;
    private final Optional<Long> diskBytes;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile boolean removed;
    private volatile String endedBecause;

    private RankContainer(ContainerEngine engine, String id, RankOutput output, LogToFile log, Path outputFile,
            Optional<Long> diskBytes) {
        this.engine = engine;
        this.id = id;
        this.outputFile = outputFile;
        this.diskBytes = diskBytes;
        this.output = output;
        this.log = log;
    }

    /** Follows a started container's log and exit. */
    static RankContainer follow(ContainerEngine engine, String id, Path outputFile, Optional<Long> diskBytes)
            throws IOException {
        return follow(engine, id, outputFile, diskBytes, Optional.empty());
    }

    /**
     * Starts the exited container again, as it was (what it wrote to its own layer is kept: a
     * checkpoint, say), and follows it: its log from the second it starts again, into a new file.
     * The coordinator's pause before a restart is at least a second, so no line of the last run
     * is read twice.
     */
    RankContainer startAgain() throws IOException {
        int since = Math.toIntExact(System.currentTimeMillis() / 1000);
        engine.commands().startContainerCmd(id).exec();
        return follow(engine, id, outputFile, diskBytes, Optional.of(since));
    }

    private static RankContainer follow(ContainerEngine engine, String id, Path outputFile, Optional<Long> diskBytes,
            Optional<Integer> sinceSecond) throws IOException {
        requireNonNull(engine, "engine is null");
        Files.createDirectories(outputFile.getParent());
        Files.deleteIfExists(outputFile);
        Files.createFile(outputFile);
        LogToFile log = new LogToFile(outputFile);
        RankContainer rank = new RankContainer(engine, id, new RankOutput(outputFile), log, outputFile, diskBytes);
        var logs = engine.streams().logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true);
        sinceSecond.ifPresent(logs::withSince);
        logs.exec(log);
        engine.streams().waitContainerCmd(id).exec(new ResultCallback.Adapter<WaitResponse>() {
            @Override
            public void onNext(WaitResponse response) {
                rank.exit.complete(response.getStatusCode());
            }

            @Override
            public void onError(Throwable throwable) {
                rank.exit.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                rank.exit.completeExceptionally(new IllegalStateException("the engine ended the wait without a code"));
            }
        });
        diskBytes.ifPresent(limit -> Thread.ofVirtual().name("disk-" + id).start(() -> rank.watchDisk(limit)));
        return rank;
    }

    /** Measures what the rank wrote until it exits, and kills it once that passes the limit. */
    private void watchDisk(long limitBytes) {
        int failures = 0;
        try {
            while (true) {
                Thread.sleep(DISK_CHECK_INTERVAL.toMillis());
                if (exit.isDone() || removed) {
                    return;
                }
                Long written;
                try {
                    written = engine.commands().inspectContainerCmd(id).withSize(true).exec().getSizeRw();
                    failures = 0;
                } catch (RuntimeException e) {
                    if (exit.isDone() || removed) {
                        return;
                    }
                    LOG.warn("cannot measure what container {} wrote: {}", id, ContainerEngine.firstLine(e.getMessage()));
                    if (++failures < DISK_CHECK_FAILURES_MAX) {
                        continue;
                    }
                    written = null;
                }
                boolean over = written != null && written > limitBytes;
                if (over || failures >= DISK_CHECK_FAILURES_MAX) {
                    endedBecause = over ? String.format(Locale.ROOT, "the rank wrote %.2f GB to its disk, more than the "
                            + "%d GB the cluster asked for (container.diskGb)", written / 1e9,
                            limitBytes / ContainerPlan.BYTES_PER_GB)
                            : "its disk use could not be measured " + DISK_CHECK_FAILURES_MAX + " times in a row, so its "
                            + "limit (container.diskGb) could not be kept";
                    LOG.warn("container {}: {}", id, endedBecause);
                    engine.commands().killContainerCmd(id).exec();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("cannot stop container {} over its disk: {}", id, ContainerEngine.firstLine(e.getMessage()));
        }
    }

    /** The engine's id of the container. */
    String id() {
        return id;
    }

    /** Adds a line of the agent's own to the rank's output, where its owner reads it. */
    void note(String line) {
        log.append(("corral: " + line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Optional<String> endedBecause() {
        return Optional.ofNullable(endedBecause);
    }

    @Override
    public Integer waitFor(Duration timeout) throws InterruptedException {
        try {
            int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            // The log stream ends when the container does: what it wrote last is in the file before it is read.
            log.awaitEnd(LOG_DRAIN_WAIT);
            return code;
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            // The wait's stream ended without a code: the container was removed under it, or the engine went away.
            if (!removed) {
                LOG.warn("lost the exit of container {}: {}", id, e.getCause().getMessage());
            }
            return WorkerAgent.EXIT_LOST;
        }
    }

    @Override
    public List<String> linesFrom(int from, int max, boolean ended) {
        return output.readAndList(from, max, ended);
    }

    @Override
    public void stop() {
        removed = true;
        try {
            engine.stopAndRemove(id, STOP_GRACE);
        } catch (RuntimeException e) {
            LOG.warn("cannot stop container {}: {}", id, ContainerEngine.firstLine(e.getMessage()));
        }
        log.close();
    }

    /** The container's log frames appended to a file as they come (standard output and error together). */
    private static final class LogToFile extends ResultCallback.Adapter<Frame> {
        private final OutputStream out;

        LogToFile(Path file) throws IOException {
            this.out = Files.newOutputStream(file, StandardOpenOption.APPEND);
        }

        @Override
        public void onNext(Frame frame) {
            try {
                synchronized (out) {
                    out.write(frame.getPayload());
                    out.flush();
                }
            } catch (IOException e) {
                LOG.warn("cannot write a container's log: {}", e.getMessage());
            }
        }

        /** Appends bytes of the agent's own between the container's frames. */
        void append(byte[] bytes) {
            try {
                synchronized (out) {
                    out.write(bytes);
                    out.flush();
                }
            } catch (IOException e) {
                LOG.warn("cannot write a container's log: {}", e.getMessage());
            }
        }

        @Override
        public void onComplete() {
            closeFile();
            super.onComplete();
        }

        @Override
        public void onError(Throwable throwable) {
            closeFile();
            super.onError(throwable);
        }

        void awaitEnd(Duration wait) throws InterruptedException {
            awaitCompletion(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void closeFile() {
            synchronized (out) {
                try {
                    out.close();
                } catch (IOException e) {
                    LOG.debug("closing a container's log: {}", e.getMessage());
                }
            }
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (IOException e) {
                LOG.debug("closing a container's log stream: {}", e.getMessage());
            }
            closeFile();
        }
    }
}
