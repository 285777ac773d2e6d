package dev.corral.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor of `bench deploy`: the same number of rank processes, running the same command,
 * started one after another straight from this process through the JDK (each leading a
 * session of its own under util-linux {@code setsid}, as an agent without the C library
 * starts a rank), with no coordinator, no agent, no network and no ledger. The deploy's time
 * to RUNNING over this time is what Corral adds on this machine in this hour.
 */
final class RankStartFloor {
    static final Path SETSID = Path.of("/usr/bin/setsid");
    static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private RankStartFloor() {}

    /** Starts {@code count} processes of {@code command}, times that, then kills their sessions and reaps them. */
    static Duration time(int count, String command) throws IOException, InterruptedException {
        List<String> argv = Files.isExecutable(SETSID) ? List.of(SETSID.toString(), "sh", "-c", command)
                : List.of("sh", "-c", command);
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

    /** Kills each process's session (the shell and what it started), then waits for the shells. */
    private static void stop(List<Process> started) throws IOException, InterruptedException {
        if (started.isEmpty()) {
            return;
        }
        if (Files.isExecutable(SETSID)) {
            List<String> kill = new ArrayList<>(List.of("kill", "-KILL", "--"));
            started.forEach(p -> kill.add("-" + p.pid()));
            new ProcessBuilder(kill).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (Process process : started) {
            process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
