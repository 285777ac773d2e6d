package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.TestImages;
import dev.corral.agent.TestRegistry;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.ImagePull;
import dev.corral.sdk.CorralClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A rank's image pulled from a registry (one on loopback, made by the test): its progress shown
 * while it comes, and a private image pulled with the cluster's credentials, which nothing but
 * the engine sees.
 */
class ImagePullTest extends NetworkTest {
    /** The random part of the image's layer, and how fast the registry sends it: a pull of about 4 s. */
    private static final int LAYER_FILLER_BYTES = 8 << 20;
    private static final long SLOW_BYTES_PER_SECOND = 2 << 20;

    private static DeployRequest inContainer(String cmd, Map<String, String> env, ContainerSpec spec) {
        return new DeployRequest(null, null, true, null, 1, 1, null, null, cmd, env, null, null).withContainer(spec);
    }

    @Test
    void aRankWaitingForItsImageIsPullingWithTheBytesDoneUntilItStarts() throws Exception {
        network.supplierWithDevices("supplier", 1);
        CorralClient alice = network.customer("alice", "5");
        try (TestRegistry registry = TestRegistry.start("corral-test/slow", "1", LAYER_FILLER_BYTES,
                SLOW_BYTES_PER_SECOND, Optional.empty(), Optional.empty(), directory.resolve("registry"))) {
            ClusterView deployed = alice.deploy(inContainer("echo pulled and running; sleep 300", Map.of(),
                    new ContainerSpec(registry.image(), null, null, null, null)), null);

            ClusterView.RankView[] pulling = new ClusterView.RankView[1];
            TestNetwork.await("the rank PULLING with some bytes done", () -> {
                ClusterView.RankView rank = alice.cluster(deployed.clusterId()).ranks().getFirst();
                pulling[0] = rank;
                return ClusterView.PULLING.equals(rank.state()) && rank.pull().bytesDone() > 0;
            });
            ImagePull summary = alice.clusterSummary(deployed.clusterId()).pulling();

            assertThat(pulling[0].pull().bytesTotal()).as("the layer's size, as the engine learnt it")
                    .isGreaterThanOrEqualTo(registry.layerBytes());
            assertThat(pulling[0].pull().bytesDone()).isLessThanOrEqualTo(pulling[0].pull().bytesTotal());
            assertThat(summary).as("the summary without the ranks' list, a moment later").isNotNull();
            assertThat(summary.ranks()).isEqualTo(1);
            assertThat(summary.bytesDone()).isGreaterThanOrEqualTo(pulling[0].pull().bytesDone());
            ClusterView running = network.awaitState(alice, deployed.clusterId(), "RUNNING");
            assertThat(running.pulling()).isNull();
            assertThat(running.ranks()).singleElement().satisfies(rank -> {
                assertThat(rank.state()).isEqualTo("STARTED");
                assertThat(rank.pull()).isNull();
            });
            alice.terminate(deployed.clusterId());
        }
    }

    @Test
    void aPrivateImageIsPulledWithTheClustersCredentialsWhichNoViewStoreOrDiskHoldsInClear() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        WorkerAgent agent = network.offeredAgents(supplier, 1).getFirst();
        CorralClient alice = network.customer("alice", "10");
        String token = "registry-token-" + UUID.randomUUID();
        String secret = "api-secret-" + UUID.randomUUID();
        String plainMarker = "plain-" + UUID.randomUUID();
        try (TestRegistry registry = TestRegistry.start("corral-test/private", "1", 64 << 10, 64 << 20,
                Optional.of("alice"), Optional.of(token), directory.resolve("registry"))) {
            ClusterView withoutCredentials = alice.deploy(inContainer("true", Map.of(),
                    new ContainerSpec(registry.image(), null, null, null, null)), null);
            ClusterView failed = network.awaitState(alice, withoutCredentials.clusterId(), "FAILED");
            assertThat(failed.reason()).contains("image " + registry.image() + " cannot be pulled")
                    .contains("the registry refused it: a private image needs credentials");
            assertThat(failed.reasonCode()).isEqualTo("IMAGE");
            assertThat(failed.refunded()).isEqualTo(withoutCredentials.escrowHeld());
            assertThat(registry.refused()).isPositive();
            assertThat(registry.authorised()).isZero();

            ClusterView deployed = alice.deploy(inContainer("echo private image runs with ${#API_SECRET} characters; "
                    + "sleep 300", Map.of("MARKER", plainMarker), new ContainerSpec(registry.image(), null, null,
                            Map.of("API_SECRET", secret), null, new ContainerSpec.RegistryAuth("alice", token))), null);
            network.awaitState(alice, deployed.clusterId(), "RUNNING");
            TestNetwork.await("the rank's output", () -> alice.logs(deployed.clusterId(), null).lines().stream()
                    .anyMatch(line -> line.line().equals("private image runs with " + secret.length() + " characters")));

            assertThat(registry.authorised()).isPositive();
            ClusterView shown = alice.cluster(deployed.clusterId());
            assertThat(shown.container().registryAuth()).isEqualTo(new ContainerSpec.RegistryAuth(
                    ContainerSpec.HIDDEN, ContainerSpec.HIDDEN));
            assertThat(shown.container().secretEnv()).containsExactly(Map.entry("API_SECRET", ContainerSpec.HIDDEN));
            String everythingShown = shown + " " + alice.clusters() + " " + alice.logs(deployed.clusterId(), null)
                    + " " + alice.transfers(100) + " " + network.anonymous.allJournal();
            assertThat(everythingShown).doesNotContain(token).doesNotContain(secret);
            assertThat(filesUnder(network.dataDirectory(agent))).as("the agent's data directory")
                    .noneMatch(text -> text.contains(token) || text.contains(secret));
            assertThat(network.storeHolds(plainMarker)).as("the store scan finds what is stored in clear").isTrue();
            assertThat(network.storeHolds(token)).as("the registry token in the store").isFalse();
            assertThat(network.storeHolds(secret)).as("the secret variable in the store").isFalse();
            alice.terminate(deployed.clusterId());
            TestNetwork.await("the rank's container removed",
                    () -> TestImages.containersOf(agent.deviceId().value()).isEmpty());
            // Meanwhile the idle device may have been challenged: the next deploy waits until it is idle again.
            network.awaitIdleDevices(1);

            // The image is on the supplier's machine now: a cluster without the credentials still may not run it.
            int refusedBefore = registry.refused();
            ClusterView freeRider = alice.deploy(inContainer("true", Map.of(),
                    new ContainerSpec(registry.image(), null, null, null, null)), null);
            ClusterView refused = network.awaitState(alice, freeRider.clusterId(), "FAILED");
            assertThat(refused.reason()).contains("the registry refused it: a private image needs credentials");
            assertThat(registry.refused()).isGreaterThan(refusedBefore);
        }
    }

    private static List<String> filesUnder(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).map(file -> {
                try {
                    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return "";
                }
            }).toList();
        }
    }
}
