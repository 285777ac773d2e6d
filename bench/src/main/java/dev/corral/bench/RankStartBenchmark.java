package dev.corral.bench;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.LocalImages;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.Runtimes;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.sdk.CorralClient;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * `corral bench rank-start`: a coordinator and one agent in this process, on a machine with a
 * container engine; then, round after round, a one-rank cluster deployed in a container and the
 * same rank as a process: the time from the deploy call until it is RUNNING (the rank started
 * and reported so); and, in the same rounds, its floor: {@code podman run -d} of the same image
 * and command outside Corral. Medians, and the ratios container / process and container / floor.
 */
final class RankStartBenchmark {
    static final int ROUNDS_MAX = 50;
    static final String RANK_COMMAND = "sleep 600";
    static final Duration WAIT_MAX = Duration.ofMinutes(5);
    static final Duration STATE_POLL = Duration.ofMillis(20);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    static final Duration PODMAN_WAIT_MAX = Duration.ofMinutes(2);
    /** The demo's image: made here from the machine's static busybox when the engine lacks it. */
    static final String IMAGE_DEFAULT = "localhost/corral-demo/busybox:1";

    private RankStartBenchmark() {}

    static void run(String image, int rounds, Path directory, PrintWriter out) throws Exception {
        CoordinatorConfig config = BenchParties.coordinator(directory, CoordinatorConfig.HEARTBEAT_TIMEOUT_DEFAULT,
                DeployBenchmark.SWEEP_INTERVAL);
        if (image.equals(IMAGE_DEFAULT)) {
            LocalImages.Made made = LocalImages.busybox(image);
            if (made.image().isEmpty()) {
                throw new IllegalStateException("cannot make " + image + ": " + made.description());
            }
        }
        podman(List.of("image", "exists", image), "image " + image + " is not in the engine: load one or pass --image");
        try (Coordinator coordinator = Coordinator.start(config)) {
            BenchParties parties = BenchParties.on(coordinator, config);
            URI url = parties.url();
            CorralClient anonymous = parties.anonymous();
            CorralClient supplier = parties.supplier();
            CorralClient customer = parties.customer();
            try (WorkerAgent agent = WorkerAgent.start(AgentConfig.of(url, supplier.joinToken().token(),
                    directory.resolve("agent"), true).withHeartbeatInterval(HEARTBEAT_INTERVAL)
                    .withBandwidthProbeInterval(Duration.ZERO).withNvidiaSmi("/nonexistent/nvidia-smi"))) {
                if (!agent.rankRuntimes().contains(Runtimes.CONTAINER)) {
                    throw new IllegalStateException("the agent found no container engine (DOCKER_HOST, "
                            + "/var/run/docker.sock, /run/podman/podman.sock)");
                }
                awaitIdle(anonymous);
                DeployRequest asProcess = new DeployRequest("bench", null, true, null, 1, 1, null, Runtimes.PROCESS,
                        RANK_COMMAND, Map.of(), null, null);
                DeployRequest inContainer = new DeployRequest("bench", null, true, null, 1, 1, null, Runtimes.CONTAINER,
                        RANK_COMMAND, Map.of(), null, null).withContainer(new ContainerSpec(image, null, null, null,
                        null));
                // One untimed round of each first: the JIT, the store's first queries, the engine's caches.
                deployed(customer, anonymous, inContainer);
                deployed(customer, anonymous, asProcess);
                podmanRun(image);
                long[] container = new long[rounds];
                long[] process = new long[rounds];
                long[] floor = new long[rounds];
                for (int round = 0; round < rounds; round++) {
                    container[round] = deployed(customer, anonymous, inContainer);
                    process[round] = deployed(customer, anonymous, asProcess);
                    floor[round] = podmanRun(image);
                }
                Arrays.sort(container);
                Arrays.sort(process);
                Arrays.sort(floor);
                double c = container[rounds / 2] / 1e6;
                double p = process[rounds / 2] / 1e6;
                double f = floor[rounds / 2] / 1e6;
                out.printf("rank start, deploy call to RUNNING, median of %d rounds: in a container %.0f ms (%.0f-%.0f), "
                        + "as a process %.0f ms (%.0f-%.0f)%n", rounds, c, container[0] / 1e6,
                        container[rounds - 1] / 1e6, p, process[0] / 1e6, process[rounds - 1] / 1e6);
                out.printf("floor: `podman run -d %s %s` outside Corral, median %.0f ms (%.0f-%.0f)%n", image,
                        RANK_COMMAND, f, floor[0] / 1e6, floor[rounds - 1] / 1e6);
                out.printf("ratios: container / process %.2f, container / floor %.2f%n", c / p, c / f);
                out.flush();
            }
        }
    }

    /** Deploys, waits until RUNNING, terminates and waits until the device is idle again; the time to RUNNING. */
    private static long deployed(CorralClient customer, CorralClient anonymous, DeployRequest request)
            throws InterruptedException {
        long start = System.nanoTime();
        ClusterView cluster = customer.deploy(request, null);
        Instant deadline = Instant.now().plus(WAIT_MAX);
        while (!"RUNNING".equals(customer.clusterSummary(cluster.clusterId()).state())) {
            if (Instant.now().isAfter(deadline) || customer.clusterSummary(cluster.clusterId()).endedAt() != null) {
                throw new IllegalStateException("cluster " + cluster.clusterId() + " did not run: "
                        + customer.clusterSummary(cluster.clusterId()).reason());
            }
            Thread.sleep(STATE_POLL.toMillis());
        }
        long took = System.nanoTime() - start;
        customer.terminate(cluster.clusterId());
        awaitIdle(anonymous);
        return took;
    }

    private static void awaitIdle(CorralClient anonymous) throws InterruptedException {
        BenchParties.await("the device idle", WAIT_MAX, STATE_POLL, () -> anonymous.networkStats().devicesIdle() >= 1);
    }

    /** The time {@code podman run -d} takes to start the same command in the same image; the container is removed after. */
    private static long podmanRun(String image) throws IOException, InterruptedException {
        String name = "corral-bench-floor-" + System.nanoTime();
        List<String> command = new ArrayList<>(List.of("run", "-d", "--name", name, image));
        command.addAll(List.of(RANK_COMMAND.split(" ")));
        long start = System.nanoTime();
        podman(command, "podman run failed");
        long took = System.nanoTime() - start;
        podman(List.of("rm", "-f", "-t", "0", name), "podman rm failed");
        return took;
    }

    private static void podman(List<String> arguments, String failure) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(PODMAN_WAIT_MAX.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(failure + ": " + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
