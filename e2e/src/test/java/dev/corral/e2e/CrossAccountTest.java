package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Another account's objects answer exactly as if they did not exist, on every endpoint. */
class CrossAccountTest extends NetworkTest {
    private static final String MISSING_DEVICE = "dev_00000000000000000000";
    private static final String MISSING_CLUSTER = "clu_00000000000000000000";

    @Test
    void anotherAccountsDevicesClustersAndBalancesAreInvisibleAndUntouchable() throws Exception {
        CorralClient alice = network.customer("alice", "5");
        WorkerAgent agent = network.agent(alice);
        network.awaitIdleDevices(1);
        String device = agent.deviceId().value();
        ClusterView cluster = alice.deploy(cpu(1, 1, "sleep 300"), null);
        network.awaitState(alice, cluster.clusterId(), "RUNNING");
        CorralClient mallory = network.customer("mallory", "5");

        List<Probe> probes = List.of(
                new Probe("GET device", id -> mallory.device(id), device, MISSING_DEVICE),
                new Probe("PATCH device", id -> mallory.updateDevice(id, new DeviceUpdate("mine", "0", 100)), device,
                        MISSING_DEVICE),
                new Probe("GET cluster", id -> mallory.cluster(id), cluster.clusterId(), MISSING_CLUSTER),
                new Probe("GET logs", id -> mallory.logs(id, null), cluster.clusterId(), MISSING_CLUSTER),
                new Probe("POST extend", id -> mallory.extend(id, 1, null), cluster.clusterId(), MISSING_CLUSTER),
                new Probe("POST terminate", id -> mallory.terminate(id), cluster.clusterId(), MISSING_CLUSTER));
        for (Probe probe : probes) {
            CorralException onTheirs = refusal(() -> probe.call().accept(probe.theirs()));
            CorralException onMissing = refusal(() -> probe.call().accept(probe.missing()));
            assertThat(onTheirs.status()).as(probe.name()).isEqualTo(404);
            assertThat(onTheirs.error()).as(probe.name()).isEqualTo(onMissing.error());
            assertThat(onTheirs.getMessage()).as(probe.name())
                    .isEqualTo(onMissing.getMessage().replace(probe.missing(), probe.theirs()));
        }

        assertThat(mallory.devices()).isEmpty();
        assertThat(mallory.clusters()).isEmpty();
        assertThat(mallory.transfers(100)).extracting(t -> t.creditAccount() + t.debitAccount())
                .noneMatch(accounts -> accounts.contains(cluster.clusterId()));
        assertThat(mallory.account().available().minor()).isEqualTo(5_000_000);
        DeviceView untouched = alice.device(device);
        assertThat(untouched.name()).isNotEqualTo("mine");
        assertThat(untouched.rewardSplitIoPercent()).isZero();
        assertThat(alice.cluster(cluster.clusterId()).state()).isEqualTo("RUNNING");
        assertThat(alice.cluster(cluster.clusterId()).hours()).isEqualTo(1);
        alice.terminate(cluster.clusterId());
    }

    @Test
    void everyPrivateEndpointNeedsAKnownKeyAndAdminNeedsTheAdminKey() {
        CorralClient nobody = network.anonymous;
        CorralClient forged = network.anonymous.withKey("ck_forged");
        for (CorralClient client : List.of(nobody, forged)) {
            for (ThrowingCallable call : List.<ThrowingCallable>of(client::account, client::devices, client::clusters,
                    client::joinToken, () -> client.transfers(10), () -> client.cluster(MISSING_CLUSTER),
                    () -> client.quote(cpu(1, 1, null)), () -> client.deploy(cpu(1, 1, "true"), null))) {
                assertThat(refusal(call).status()).isEqualTo(401);
            }
        }
        CorralClient alice = network.customer("alice", null);
        CorralException notAdmin = refusal(() -> alice.credit(alice.account().accountId(), "100", null));
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(alice.account().available().minor()).isZero();
    }

    private record Probe(String name, Consumer<String> call, String theirs, String missing) {}

    private static CorralException refusal(ThrowingCallable call) {
        CorralException[] caught = new CorralException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> caught[0] = e);
        return caught[0];
    }
}
