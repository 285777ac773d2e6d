package dev.corral.bench;

import dev.corral.agent.ProcessGroups;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor of `bench deploy`: the same number of rank processes, running the same command,
 * started one after another straight from this process through the JDK, each leading a
 * session of its own as an agent without {@code posix_spawn} starts a rank
 * ({@link ProcessGroups#inNewGroup}), with no coordinator, no agent, no network and no ledger.
 * The deploy's time to RUNNING over this time is what Corral adds on this machine in this hour.
 */
final class RankStartFloor {
    static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private RankStartFloor() {}

    /** Starts {@code count} processes of {@code command}, times that, then kills their sessions and reaps them. */
    static Duration time(int count, String command) throws IOException, InterruptedException {
        List<String> shell = List.of("sh", "-c", command);
        List<String> argv = ProcessGroups.inNewGroup(shell).orElse(shell);
        List<Process> started = new ArrayList<>(count);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                started.add(new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            return Duration.ofNanos(System.nanoTime() - start);
        } finally {
            stop(started);
        }
    }

    /**
     * Kills each process's session (the shell and what it started) where each leads one, else
     * the process and what it has started so far; then waits for them.
     */
    private static void stop(List<Process> started) throws InterruptedException {
        for (Process process : started) {
            if (!ProcessGroups.signal(process.pid(), ProcessGroups.SIGKILL)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        for (Process process : started) {
            process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
