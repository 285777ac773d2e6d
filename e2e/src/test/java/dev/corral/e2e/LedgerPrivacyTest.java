package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.Json;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.PseudonymView;
import dev.corral.core.auth.Signatures;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.ledger.LedgerAudit;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * io.net's leak, re-run: the public journal used to map every device to its owner's account
 * and every cluster to its customer (account ids in account names, cluster and device ids in
 * idempotency keys). Now it names them by pseudonyms, still verifies, lets an owner prove which
 * pseudonym is theirs, and gives a balance proof of an account named by its id to its owner alone.
 */
class LedgerPrivacyTest extends NetworkTest {
    @Test
    void thePublicJournalNamesNoAccountClusterOrDeviceAndStillVerifies() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 1);
        CorralClient alice = network.customer("alice", "5");
        ClusterView cluster = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "sleep 1"), null);
        network.awaitState(alice, cluster.clusterId(), "COMPLETED");
        network.clock.advance(Duration.ofMinutes(70));
        network.awaitEpochsDue();

        List<JournalEntry> journal = network.anonymous.allJournal();
        String published = Json.mapper().writeValueAsString(journal)
                + Json.mapper().writeValueAsString(network.anonymous.allEpochs());
        String aliceId = alice.account().accountId();
        String supplierId = supplier.account().accountId();
        DeviceView device = supplier.devices().getFirst();
        assertThat(published).doesNotContain(aliceId).doesNotContain(supplierId).doesNotContain(cluster.clusterId())
                .doesNotContain(device.deviceId()).doesNotContain("acc_").doesNotContain("clu_").doesNotContain("dev_")
                .doesNotContain("fund-");
        assertThat(journal).allSatisfy(entry -> assertThat(entry.transfer().idempotencyKey()).matches("k_[0-9a-f]{32}"));
        assertThat(LedgerAudit.verify(journal, network.anonymous.allEpochs(), network.anonymous.ledgerKey()).problem())
                .as("the pseudonymous journal verifies").isEmpty();

        // Alice can show anyone which pseudonym is hers: the coordinator signed it with the ledger key.
        PseudonymView pseudonym = alice.pseudonym();
        assertThat(pseudonym.accountId()).isEqualTo(aliceId);
        assertThat(pseudonym.statement()).isEqualTo(PseudonymView.statement(aliceId, pseudonym.pseudonym()));
        assertThat(Signatures.verify(network.anonymous.ledgerKey(), pseudonym.statement().getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(pseudonym.signature()))).isTrue();
        String named = "user:" + pseudonym.pseudonym() + ":USD";
        assertThat(published).contains(named);
        assertThat(supplier.pseudonym().pseudonym()).isNotEqualTo(pseudonym.pseudonym());

        // A balance proof of an account named by its id goes to its owner alone.
        String wallet = "user:" + aliceId + ":USD";
        BalanceTree.Proof own = alice.balanceProof(wallet, 0);
        assertThat(own.holds()).isTrue();
        assertThat(own.leaf().account()).isEqualTo(named);
        assertThatThrownBy(() -> network.anonymous.balanceProof(wallet, 0)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.status()).isEqualTo(401));
        assertThatThrownBy(() -> supplier.balanceProof(wallet, 0)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> alice.balanceProof("escrow:" + cluster.clusterId() + ":USD", 0))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(403));
        BalanceTree.Proof byPseudonym = network.anonymous.balanceProof(named, 0);
        assertThat(byPseudonym).as("by its pseudonym, as the journal names it").isEqualTo(own);
        assertThat(Json.mapper().writeValueAsString(byPseudonym)).doesNotContain(aliceId).doesNotContain("acc_");
    }
}
