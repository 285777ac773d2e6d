package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.LogView;
import dev.corral.sdk.CorralClient;
import org.junit.jupiter.api.Test;

/** The coordinator restarts while a cluster runs; on each store. */
class RestartTest extends NetworkTest {
    @Test
    void aRestartKeepsEverythingAndAgentsReconnect() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(2, 1, "sleep 3; echo finished rank $CORRAL_RANK"), null);
        network.awaitState(alice, deployed.clusterId(), "RUNNING");
        long availableBefore = alice.account().available().minor();

        network.restartCoordinator();

        assertThat(alice.cluster(deployed.clusterId()).state()).isEqualTo("RUNNING");
        assertThat(alice.account().available().minor()).isEqualTo(availableBefore);
        assertThat(alice.account().heldInEscrow().minor()).isEqualTo(2 * ClusterLifecycleTest.CPU_PRICE_MICROS);
        assertThat(supplier.devices()).hasSize(2).extracting(DeviceView::status).containsOnly("HIRED");
        ClusterView done = network.awaitState(alice, deployed.clusterId(), "COMPLETED", "FAILED");
        assertThat(done.state()).isEqualTo("COMPLETED");
        assertThat(alice.logs(done.clusterId(), null).lines()).extracting(LogView.LogLine::line)
                .contains("finished rank 0", "finished rank 1");
        assertThat(supplier.account().earned().minor()).isEqualTo(done.charged().minor()
                - network.anonymous.networkStats().ledger().getFirst().networkFeesMinor());
        network.awaitIdleDevices(2);
    }
}
