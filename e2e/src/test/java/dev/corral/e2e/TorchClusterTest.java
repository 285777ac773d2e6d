package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.ChildJvm;
import dev.corral.agent.TestImages;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.Frameworks;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.LogView;
import dev.corral.sdk.CorralClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PyTorch DistributedDataParallel on a Corral cluster of type torch, for real: Debian's
 * python3-torch in a locally built image, gloo on CPUs, three ranks on three agents, and
 * {@code examples/torch/ddp_train.py}. Halfway through, the machine of a rank other than the
 * head dies (its agent killed with -9, its container with it): a spare device takes the rank,
 * the survivors' programs (which fail with their lost peer) start again under the restart
 * policy, meet the newcomer, and training goes on from rank 0's checkpoint to the end, every
 * rank with the same weights; the lost device is paid until its last heartbeat.
 */
class TorchClusterTest {
    /** Long enough that a rank's heartbeats are not late while three Pythons import torch on two cores. */
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(6);
    private static final int AGENT_HEAP_MB = 128;
    private static final int STEPS = 60;
    /** Training takes STEPS x this at least: long enough to lose a rank halfway. */
    private static final String STEP_SECONDS = "0.4";
    private static final Duration TRAINING_MAX = Duration.ofMinutes(4);
    private static final Pattern LOSS = Pattern.compile("step (\\d+) loss ([0-9.e+-]+)");
    private static final Pattern WEIGHTS = Pattern.compile("rank (\\d) final weights sha256 ([0-9a-f]{64})");
    private static final Pattern RESUMED = Pattern.compile("rank 0 resumed from step (\\d+)");

    @TempDir
    Path directory;

    @Test
    void ddpTrainsAcrossThreeRanksAndALostRanksReplacementResumesFromTheCheckpointToIdenticalWeights()
            throws Exception {
        String image = TorchImage.name();
        try (TestNetwork network = TestNetwork.withHeartbeatTimeout(TestNetwork.Store.H2, directory.resolve("network"),
                HEARTBEAT_TIMEOUT)) {
            CorralClient supplier = network.customer("supplier", null);
            Map<String, Process> agents = new HashMap<>();
            try {
                for (String name : List.of("a", "b", "c")) {
                    Process agent = agentProcess(network, supplier, name);
                    agents.put(ChildProcesses.firstLine(agent, directory.resolve(name + ".log"), "agent " + name), agent);
                }
                network.awaitIdleDevices(3);
                CorralClient alice = network.customer("alice", "5");
                ClusterView deployed = alice.deploy(new DeployRequest("ddp", null, true, null, 3, 1, null, null,
                        "python3 /opt/corral/ddp_train.py", Map.of("STEPS", Integer.toString(STEPS), "STEP_SECONDS",
                                STEP_SECONDS), null, null).withContainer(new ContainerSpec(image, null, null, null, null))
                        .withFramework(Frameworks.TORCH).withRecovery("replace", "on-failure:5"), null);
                assertThat(deployed.framework()).isEqualTo("torch");
                ClusterView running = network.awaitState(alice, deployed.clusterId(), "RUNNING");
                WorkerAgent spare = network.agent(supplier);
                TestNetwork.await("training under way", Duration.ofMinutes(2),
                        () -> losses(alice, deployed.clusterId()).size() >= 8);

                ClusterView.RankView victim = running.ranks().get(2);
                Process lost = agents.get(victim.deviceId());
                lost.destroyForcibly().waitFor();
                TestImages.killContainersOf(victim.deviceId());

                TestNetwork.await("training finished", TRAINING_MAX, () -> {
                    String state = alice.cluster(deployed.clusterId()).state();
                    return state.equals("COMPLETED") || state.equals("FAILED");
                });
                ClusterView done = alice.cluster(deployed.clusterId());
                List<String> lines = alice.logs(deployed.clusterId(), null).lines().stream()
                        .map(LogView.LogLine::line).toList();
                assertThat(done.state()).as("%s: %s", done.reason(), lines).isEqualTo("COMPLETED");

                ClusterView.Replacement replaced = done.replacements().getFirst();
                assertThat(done.replacements()).hasSize(1);
                assertThat(replaced.rank()).isEqualTo(2);
                assertThat(replaced.lostDeviceId()).isEqualTo(victim.deviceId());
                assertThat(replaced.replacedBy()).isEqualTo(spare.deviceId().value());
                assertThat(done.ranks().get(2).deviceId()).isEqualTo(spare.deviceId().value());
                assertThat(done.ranks().get(0).restarts()).as("the head's program failed with its peer and started "
                        + "again").isPositive();

                List<Double> losses = losses(alice, deployed.clusterId());
                assertThat(losses.getLast()).as("the loss fell: %s", losses).isLessThan(losses.getFirst() / 100);
                Matcher resumed = RESUMED.matcher(String.join("\n", lines));
                assertThat(resumed.find()).as("rank 0 resumed from its checkpoint: %s", lines).isTrue();
                assertThat(Integer.parseInt(resumed.group(1))).isBetween(8, STEPS - 1);
                Map<Integer, String> weights = new HashMap<>();
                for (String line : lines) {
                    Matcher matcher = WEIGHTS.matcher(line);
                    if (matcher.matches()) {
                        weights.put(Integer.parseInt(matcher.group(1)), matcher.group(2));
                    }
                }
                assertThat(weights).as("every rank's final weights").containsOnlyKeys(0, 1, 2);
                assertThat(weights.values()).as("identical on every rank").containsOnly(weights.get(0));

                // Each device is paid for the seconds it served: the lost one until its last heartbeat, its
                // replacement from its start; the customer gets the rest back.
                long price = done.pricePerDeviceHour().minor();
                long served = Duration.between(done.runningAt(), replaced.lastSeenAt()).toSeconds() * price / 3600
                        + Duration.between(done.ranks().get(2).startedAt(), done.endedAt()).toSeconds() * price / 3600
                        + 2 * (Duration.between(done.runningAt(), done.endedAt()).toSeconds() * price / 3600);
                assertThat(done.charged().minor()).isEqualTo(served);
                assertThat(done.refunded().minor()).isEqualTo(3 * price - served);
                assertThat(replaced.lastSeenAt()).isBefore(done.ranks().get(2).startedAt());
            } finally {
                agents.values().forEach(Process::destroyForcibly);
            }
        }
    }

    /** The loss rank 0 printed at each step, in order; a step trained again after the loss is counted once. */
    private static List<Double> losses(CorralClient owner, String clusterId) {
        Map<Integer, Double> byStep = new TreeMap<>();
        for (LogView.LogLine line : owner.logs(clusterId, 0).lines()) {
            Matcher matcher = LOSS.matcher(line.line());
            if (matcher.matches()) {
                byStep.put(Integer.parseInt(matcher.group(1)), Double.parseDouble(matcher.group(2)));
            }
        }
        return new ArrayList<>(byStep.values());
    }

    private Process agentProcess(TestNetwork network, CorralClient supplier, String name) throws Exception {
        return new ProcessBuilder(ChildJvm.command(AgentProcess.class, AGENT_HEAP_MB, List.of(), List.of(
                network.url.toString(), supplier.joinToken().token(), directory.resolve(name).toString(),
                Long.toString(Duration.between(Instant.now(), network.clock.instant()).toMillis()))))
                .redirectError(directory.resolve(name + ".log").toFile()).start();
    }
}
