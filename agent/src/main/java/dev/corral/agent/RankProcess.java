package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import dev.corral.core.protocol.Assignment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One rank run by the process runtime: the command under {@code sh -c} as a plain child
 * process with the cluster's environment, its output kept as numbered lines until shipped.
 */
final class RankProcess {
    static final int LINES_KEPT_MAX = 10_000;
    static final int LINE_LENGTH_MAX = 4096;
    static final Duration STOP_GRACE = Duration.ofSeconds(3);
    static final Set<String> INHERITED_ENV = Set.of("PATH", "LANG", "LC_ALL", "TZ");

    private final Process process;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private RankProcess(Process process) {
        this.process = process;
        // A platform thread: a virtual thread blocked reading a pipe holds its carrier, and a few
        // hundred silent ranks in one process would take every carrier the scheduler has.
        this.reader = Thread.ofPlatform().daemon().name("rank-output").start(this::readOutput);
    }

    static RankProcess start(Assignment assignment, String headAddr, Path workDirectory) throws IOException {
        requireNonNull(assignment, "assignment is null");
        Files.createDirectories(workDirectory);
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", assignment.cmd())
                .directory(workDirectory.toFile())
                .redirectErrorStream(true);
        // The rank sees none of the agent's own environment (which may hold the supplier's secrets)
        // beyond what a shell needs to find programs and read text.
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(INHERITED_ENV);
        env.put("HOME", workDirectory.toAbsolutePath().toString());
        env.putAll(assignment.env());
        env.put("CORRAL_CLUSTER_ID", assignment.clusterId());
        env.put("CORRAL_RANK", Integer.toString(assignment.rank()));
        env.put("CORRAL_WORLD_SIZE", Integer.toString(assignment.worldSize()));
        env.put("CORRAL_HEAD_ADDR", headAddr);
        env.put("CORRAL_PEERS", String.join(",", assignment.peers()));
        return new RankProcess(builder.start());
    }

    /** Waits up to the timeout; the exit code if the process ended. */
    Integer waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            reader.join(STOP_GRACE.toMillis());
            return process.exitValue();
        }
        return null;
    }

    /** Lines from index {@code from} on, at most {@code max} of them. */
    List<String> linesFrom(int from, int max) {
        lock.lock();
        try {
            int to = Math.min(lines.size(), from + max);
            return from >= to ? List.of() : List.copyOf(lines.subList(from, to));
        } finally {
            lock.unlock();
        }
    }

    /** Asks the process and its children to stop, then kills what is left after a grace period. */
    void stop() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private void readOutput() {
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                add(line.length() > LINE_LENGTH_MAX ? line.substring(0, LINE_LENGTH_MAX) : line);
            }
        } catch (IOException e) {
            add("[corral] output ended: " + e.getMessage());
        }
    }

    private void add(String line) {
        lock.lock();
        try {
            if (lines.size() < LINES_KEPT_MAX) {
                lines.add(line);
            }
        } finally {
            lock.unlock();
        }
    }
}
