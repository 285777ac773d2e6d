package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import dev.corral.core.protocol.Assignment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rank run by the process runtime: the command under {@code sh -c} (or, when the shell
 * would only run a program with plain words, that program: {@link ShellCommand}) as a child
 * process leading a process group of its own, with the cluster's environment, nothing on its
 * standard input, and its output appended to a file in its work directory ({@link RankOutput}),
 * read back as numbered lines by the thread that ships them.
 *
 * <p>Each rank leaves a record of its process (id and start time) in its work directory
 * while it runs. An agent that died without stopping its ranks finds those records when it
 * starts again and stops what is still running ({@link #stopLeftovers}): otherwise the rank
 * the coordinator has written off as lost would hold the device's CPU, memory and GPU on.
 */
final class RankProcess implements RunningRank {
    static final Duration STOP_GRACE = Duration.ofSeconds(3);
    /** How often a stopping rank's group is looked at during the grace period. */
    static final Duration STOP_POLL = Duration.ofMillis(20);
    static final Set<String> INHERITED_ENV = Set.of("PATH", "LANG", "LC_ALL", "TZ");
    /** In a rank's work directory while it runs: its process id and start time (epoch ms). */
    static final String RECORD_FILE = "rank.pid";
    /** In a rank's work directory: what it writes to its standard output and error. */
    static final String OUTPUT_FILE = "rank.log";
    private static final File NO_INPUT = new File("/dev/null");
    private static final Logger LOG = LoggerFactory.getLogger(RankProcess.class);

    private final Process process;
    /** Whether the process leads its own process group, whose id is its process id. */
    private final boolean grouped;
    private final Path record;
    private final RankOutput output;

    private RankProcess(Process process, boolean grouped, Path record, RankOutput output) {
        this.process = process;
        this.grouped = grouped;
        this.record = record;
        this.output = output;
    }

    /** How a rank's process is started. */
    enum Launcher {
        /** Straight from the agent, leading a new session ({@link PosixSpawn}). */
        POSIX_SPAWN,
        /** Through {@link ProcessBuilder}, under util-linux {@code setsid} where there is one. */
        JDK;

        static Launcher best() {
            return PosixSpawn.available() ? POSIX_SPAWN : JDK;
        }
    }

    static RankProcess start(Assignment assignment, String headAddr, Path workDirectory,
            Optional<RankIsolation> isolation) throws IOException {
        return start(assignment, headAddr, workDirectory, Launcher.best(), isolation);
    }

    static RankProcess start(Assignment assignment, String headAddr, Path workDirectory, Launcher launcher)
            throws IOException {
        return start(assignment, headAddr, workDirectory, launcher, Optional.empty());
    }

    /** Starts the rank's command in its work directory, isolated where the agent can. */
    static RankProcess start(Assignment assignment, String headAddr, Path workDirectory, Launcher launcher,
            Optional<RankIsolation> isolation) throws IOException {
        requireNonNull(assignment, "assignment is null");
        Files.createDirectories(workDirectory);
        List<String> argv = ShellCommand.argv(assignment.cmd());
        if (isolation.isPresent()) {
            isolation.get().own(workDirectory);
            argv = isolation.get().wrap(argv, workDirectory);
        }
        Path outputFile = workDirectory.resolve(OUTPUT_FILE);
        Files.deleteIfExists(outputFile);
        Map<String, String> env = environment(assignment, headAddr, workDirectory);
        Process process;
        boolean grouped;
        if (launcher == Launcher.POSIX_SPAWN) {
            process = PosixSpawn.start(argv, env, workDirectory, outputFile);
            grouped = true;
        } else {
            Optional<List<String>> inGroup = ProcessGroups.inNewGroup(argv);
            // Appending: when the agent empties a full file, the rank goes on writing at its new end.
            ProcessBuilder builder = new ProcessBuilder(inGroup.orElse(argv))
                    .directory(workDirectory.toFile())
                    .redirectInput(NO_INPUT)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
            grouped = inGroup.isPresent();
        }
        Path record = workDirectory.resolve(RECORD_FILE);
        try {
            Files.writeString(record, process.pid() + " " + startMillis(process.toHandle()).orElse(0L));
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
        return new RankProcess(process, grouped, record, new RankOutput(outputFile));
    }

    /**
     * What the rank sees: none of the agent's own environment (which may hold the supplier's
     * secrets) beyond what a shell needs to find programs and read text, then the cluster's
     * variables, then Corral's.
     */
    private static Map<String, String> environment(Assignment assignment, String headAddr, Path workDirectory) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (INHERITED_ENV.contains(name)) {
                env.put(name, value);
            }
        });
        env.put("HOME", workDirectory.toAbsolutePath().toString());
        // What a shell would have set: a program started without one sees the same.
        env.put("PWD", workDirectory.toAbsolutePath().toString());
        env.putAll(assignment.env());
        env.putAll(assignment.corralEnv(headAddr));
        return env;
    }

    /**
     * Stops the ranks that an earlier run of the agent left running under this directory (one
     * work directory per rank) and forgets their records. A record whose process id now
     * belongs to another process (the start time differs) is only forgotten.
     *
     * @return how many ranks were still running
     */
    static int stopLeftovers(Path workRoot) throws IOException, InterruptedException {
        if (!Files.isDirectory(workRoot)) {
            return 0;
        }
        List<Path> records;
        try (Stream<Path> directories = Files.list(workRoot)) {
            records = directories.map(directory -> directory.resolve(RECORD_FILE)).filter(Files::isRegularFile).toList();
        }
        int stopped = 0;
        for (Path record : records) {
            Optional<ProcessHandle> leftover = leftover(record);
            if (leftover.isPresent()) {
                LOG.warn("stopping process {} of an earlier run of this agent ({})", leftover.get().pid(),
                        record.getParent().getFileName());
                stopGroup(leftover.get());
                stopped++;
            }
            Files.deleteIfExists(record);
        }
        return stopped;
    }

    private static Optional<ProcessHandle> leftover(Path record) throws IOException {
        String[] fields = Files.readString(record).trim().split(" ");
        long pid;
        long started;
        try {
            pid = Long.parseLong(fields[0]);
            started = Long.parseLong(fields[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            LOG.warn("ignoring unreadable rank record {}", record);
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(handle -> startMillis(handle).orElse(-1L) == started);
    }

    private static Optional<Long> startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli);
    }

    @Override
    public Integer waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            if (grouped) {
                // What the rank started in the background ends with it, as in a container.
                ProcessGroups.signal(process.pid(), ProcessGroups.SIGKILL);
            }
            forgetRecord();
            return process.exitValue();
        }
        return null;
    }

    @Override
    public List<String> linesFrom(int from, int max, boolean ended) {
        return output.readAndList(from, max, ended);
    }

    /** Asks the process and all it started to stop, then kills what is left after a grace period. */
    @Override
    public void stop() throws InterruptedException {
        if (grouped) {
            stopGroup(process.toHandle());
        } else {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        forgetRecord();
    }

    /**
     * SIGTERM to the group the process leads; SIGKILL to what is left of it once the grace period
     * is over, or once the leader and every process that was under it at the signal have exited
     * (collected or not): one started after the signal is not waited for, only killed. A process
     * just started may not have made its group yet: then it is signalled alone.
     */
    private static void stopGroup(ProcessHandle leader) throws InterruptedException {
        long group = leader.pid();
        // Taken before the signal: once a parent dies, its children are init's and no longer found under the leader.
        Optional<Set<Long>> members = ProcessGroups.descendants(group);
        if (!ProcessGroups.signal(group, ProcessGroups.SIGTERM)) {
            leader.destroy();
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        // The whole group gets the grace period: a rank's shell dies at once, the work it runs may need to save.
        while (System.nanoTime() < deadline && (leader.isAlive() || (ProcessGroups.signal(group, ProcessGroups.EXISTS)
                && members.map(pids -> ProcessGroups.anyRunning(pids, group)).orElse(true)))) {
            Thread.sleep(STOP_POLL.toMillis());
        }
        if (!ProcessGroups.signal(group, ProcessGroups.SIGKILL)) {
            leader.destroyForcibly();
        }
    }

    private void forgetRecord() {
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", record, e.getMessage());
        }
    }
}
