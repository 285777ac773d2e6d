package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.ClusterView;
import dev.corral.sdk.CorralClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rewrite found by trying the system as an attacker would: the coordinator started on a
 * journal changed behind its back and signed new epochs over it. Now it checks its journal
 * against the epochs it signed when it starts, and refuses to start, saying where they disagree.
 */
class LedgerTamperTest extends NetworkTest {
    @Test
    void theCoordinatorRefusesToStartOnAJournalChangedBehindItsBackAndStartsOnceItIsRestored() throws Exception {
        network.supplierWithDevices("supplier", 1);
        CorralClient alice = network.customer("alice", "5");
        ClusterView cluster = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "sleep 1"), null);
        network.awaitState(alice, cluster.clusterId(), "COMPLETED");
        network.clock.advance(Duration.ofMinutes(70));
        network.awaitEpochsDue();
        network.restartCoordinator();

        network.tamper("UPDATE ledger_transfer SET amount = amount + 1 WHERE seq = 3");
        try {
            assertThatThrownBy(network::restartCoordinator).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("journal entry 3: its content does not match its hash")
                    .hasMessageContaining("refusing to start");
        } finally {
            network.tamper("UPDATE ledger_transfer SET amount = amount - 1 WHERE seq = 3");
        }

        network.restartCoordinator();
        assertThat(network.anonymous.allEpochs()).isNotEmpty();

        // A balance changed where the store keeps it, the journal left alone: the next epoch would sign it.
        String wallet = "user:" + alice.account().accountId() + ":USD";
        String named = "user:" + alice.pseudonym().pseudonym() + ":USD";
        network.tamper("UPDATE ledger_account SET balance = balance + 1000000 WHERE id = '" + wallet + "'");
        try {
            assertThatThrownBy(network::restartCoordinator).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("balance of " + named).hasMessageContaining("refusing to start");
        } finally {
            network.tamper("UPDATE ledger_account SET balance = balance - 1000000 WHERE id = '" + wallet + "'");
        }
        network.restartCoordinator();
    }

    /** A restart with another epoch length would have moved every later epoch's window and the pace of minting. */
    @Test
    void theCoordinatorRefusesToStartWithAnotherEpochLengthThanItsSignedRecords() throws Exception {
        network.clock.advance(Duration.ofMinutes(70));
        network.awaitEpochsDue();
        assertThatThrownBy(() -> network.restartCoordinatorWith(config -> config.withEpochs(Duration.ofMinutes(30),
                config.computeRewardShareBasisPoints()))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("this network's epochs last 3600.0 s").hasMessageContaining("--epoch-length 3600");
        network.restartCoordinator();
        assertThat(network.anonymous.allEpochs()).isNotEmpty();
    }
}
