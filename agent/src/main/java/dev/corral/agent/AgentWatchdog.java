package dev.corral.agent;

import dev.corral.core.DeviceId;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a dead agent's ranks: a small shell loop, in a session of its own, waits for the agent's
 * process to end (however it ends, {@code kill -9} included) and then starts this class in a new
 * JVM. It gives a restarted agent {@link #TAKEOVER_GRACE} to take the data directory's lock
 * (and adopt the containers still running); if none has, it stops the rank processes recorded
 * in the work directory and removes the device's containers. Nothing of a cluster runs on
 * after its agent, whose device the coordinator declares lost once its heartbeat timeout (30 s
 * by default; more than this grace and a JVM's start) has passed, and whose customer it refunds.
 */
public final class AgentWatchdog {
    /** How often the shell loop looks whether the agent still runs. */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    static final int HEAP_MB = 64;
    static final String LOG_FILE = "watchdog.log";
    /** How long a dead agent's containers wait for a restarted agent to adopt them. */
    static final Duration TAKEOVER_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(AgentWatchdog.class);

    private AgentWatchdog() {}

    /** Starts the watchdog of this process, for this device and its work and container engine. */
    static void watch(Path dataDirectory, DeviceId device, Optional<URI> engine) throws IOException {
        List<String> java = ChildJvm.command(AgentWatchdog.class, HEAP_MB, List.of(), List.of(
                dataDirectory.toAbsolutePath().toString(), device.value(), engine.map(URI::toString).orElse("-")));
        List<String> loop = new ArrayList<>(List.of("sh", "-c",
                "while kill -0 \"$0\" 2>/dev/null; do sleep " + CHECK_INTERVAL.toSeconds() + "; done; exec \"$@\"",
                Long.toString(ProcessHandle.current().pid())));
        loop.addAll(java);
        Path log = dataDirectory.resolve(LOG_FILE);
        new ProcessBuilder(ProcessGroups.inNewGroup(loop).orElse(loop)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    }

    /** Arguments: the agent's data directory, its device id, its engine's socket or "-". */
    public static void main(String[] args) throws Exception {
        Path dataDirectory = Path.of(args[0]);
        String device = args[1];
        Thread.sleep(TAKEOVER_GRACE.toMillis());
        Optional<DataDirectoryLock> lock = DataDirectoryLock.tryTake(dataDirectory);
        if (lock.isEmpty()) {
            LOG.info("a new agent serves device {}: it keeps its ranks", device);
            return;
        }
        try (DataDirectoryLock held = lock.get()) {
            cleanUp(dataDirectory, device, args[2]);
        }
    }

    private static void cleanUp(Path dataDirectory, String device, String engineSocket) throws Exception {
        int processes = RankProcess.stopLeftovers(WorkerAgent.workRoot(dataDirectory));
        int containers = 0;
        if (!"-".equals(engineSocket)) {
            try (ContainerEngine engine = ContainerEngine.connect(URI.create(engineSocket))) {
                for (var leftover : engine.ranksOf(device)) {
                    // The agent is gone and its device about to be declared lost: no stop grace.
                    engine.remove(leftover.getId());
                    containers++;
                }
            }
        }
        if (processes + containers > 0) {
            LOG.warn("the agent of device {} ended with ranks running: stopped {} processes and removed {} containers",
                    device, processes, containers);
        }
    }
}
