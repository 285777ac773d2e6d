package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.corral.core.Runtimes;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.RewardView;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.e2e.TestNetwork;
import dev.corral.sdk.CorralClient;
import dev.corral.store.Database;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `corral ledger verify` and `ledger proof` check the public ledger from what the coordinator
 * publishes, and catch tampering in the store where it is (the embedded store, changed behind
 * the coordinator's back).
 */
class LedgerVerifyTest extends OnTestNetwork {
    @Test
    void epochsMintTheScheduleAsRewardsAndAnyoneCanVerifyTheLedgerAndCatchTampering() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView cluster = alice.deploy(new DeployRequest(null, null, true, null, 2, 1, null, Runtimes.PROCESS, "sleep 2", Map.of(),
                null, null), null);
        network.awaitState(alice, cluster.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(30));
        network.awaitState(alice, cluster.clusterId(), "COMPLETED");

        network.clock.advance(Duration.ofMinutes(95));
        TestNetwork.await("epochs 0 and 1 closed", () -> network.anonymous.epochs(0, 10).size() == 2);
        List<EpochRecord> epochs = network.anonymous.epochs(0, 10);
        assertThat(epochs.get(1).minted()).isEqualTo(EmissionSchedule.supplyAfter(2));
        assertThat(epochs.get(1).supply()).isEqualTo(epochs.get(1).minted());
        AccountView earner = supplier.account();
        // Epoch 0 began before the devices joined: the supplier earns compute rewards there, availability from epoch 1.
        List<RewardView> rewards = supplier.rewards(10);
        // ...and being online for 50 of its 60 minutes cost each device 1/6 of a bad event next to its passed
        // challenge and its completed job: (2 + 1) / (2 + 1/6 + 2), under the 3/4 it would have without.
        assertThat(supplier.devices()).allSatisfy(device -> assertThat(device.reputation())
                .isCloseTo(3 / (4 + 1.0 / 6), within(0.005))); // a little less: two hours of the 7-day half-life
        assertThat(rewards).hasSize(2).allSatisfy(reward -> assertThat(reward.epoch()).isEqualTo(1));
        long availability = rewards.stream().mapToLong(r -> r.amount().minor()).sum();
        assertThat(availability).isEqualTo(EmissionSchedule.blockEmission(1) / 2);
        // The wallet by its id: its owner's alone. The public journal names it by its pseudonym.
        String wallet = "user:" + earner.accountId() + ":IO";
        String named = "user:" + supplier.pseudonym().pseudonym() + ":IO";
        BalanceTree.Proof proof = supplier.balanceProof(wallet, 1);
        assertThat(proof.holds()).isTrue();
        assertThat(proof.leaf().account()).isEqualTo(named);
        assertThat(proof.leaf().balance()).isEqualTo(availability + EmissionSchedule.blockEmission(0) / 2);
        BalanceTree.Proof atEpoch0 = supplier.balanceProof(wallet, 0);
        assertThat(atEpoch0.holds()).isTrue();
        assertThat(atEpoch0.leaf().balance()).as("the compute rewards of epoch 0").isEqualTo(
                EmissionSchedule.blockEmission(0) / 2);
        assertThat(supplier.balanceProof(wallet, 1)).as("epoch 1's tree, built again").isEqualTo(proof);
        assertThat(network.anonymous.balanceProof(named, 1)).as("by its pseudonym, for anyone").isEqualTo(proof);

        assertThat(verify()).startsWith("ledger verified:");
        assertThat(corral("ledger", "proof", named, "--epoch", "1")).contains("proven");

        tamper("UPDATE ledger_transfer SET amount = amount + 1 WHERE seq = 3",
                "UPDATE ledger_transfer SET amount = amount - 1 WHERE seq = 3",
                "journal entry 3: its content does not match its hash");
        tamper("UPDATE ledger_transfer SET seq = seq + 1000000 WHERE seq = 3",
                "UPDATE ledger_transfer SET seq = seq - 1000000 WHERE seq = 1000003",
                "journal entry 3: has position 4");
        tamper("UPDATE ledger_transfer SET seq = CASE seq WHEN 3 THEN 4 ELSE 3 END WHERE seq IN (3, 4)",
                "UPDATE ledger_transfer SET seq = CASE seq WHEN 3 THEN 4 ELSE 3 END WHERE seq IN (3, 4)",
                "journal entry 3: does not follow the entry before it");
        tamper("UPDATE epoch_record SET supply = supply + 1 WHERE epoch = 0",
                "UPDATE epoch_record SET supply = supply - 1 WHERE epoch = 0",
                "epoch 0: the coordinator's signature does not match the record");
        tamper("UPDATE epoch_record SET epoch = 1000 WHERE epoch = 0",
                "UPDATE epoch_record SET epoch = 0 WHERE epoch = 1000",
                "epoch 1: expected epoch 0 here");
        assertThat(verify()).startsWith("ledger verified:");
    }

    private void tamper(String change, String undo, String reported) throws Exception {
        sql(change);
        String result = verify();
        sql(undo);
        assertThat(result).contains("ledger verification FAILED at " + reported);
    }

    private void sql(String statement) throws Exception {
        try (Connection connection = DriverManager.getConnection(Database.embeddedUrl(directory.resolve("coordinator")));
                Statement update = connection.createStatement()) {
            assertThat(update.executeUpdate(statement)).as(statement).isPositive();
        }
    }

    private String verify() {
        return corral("ledger", "verify");
    }

    private String corral(String... args) {
        StringWriter out = new StringWriter();
        CommandLine line = Corral.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(out, true));
        String[] all = Stream.concat(Arrays.stream(args), Stream.of("--server", network.url.toString()))
                .toArray(String[]::new);
        line.execute(all);
        return out.toString();
    }
}
