package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.auth.KeyFile;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.server.Coordinator;
import dev.corral.witness.Witness;
import dev.corral.witness.WitnessLog;
import dev.corral.witness.WitnessedEpoch;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rewrite only the coordinator's key holder can do, and what catches it: a journal entry
 * changed, every later hash recomputed, every epoch record rebuilt and signed again with the
 * coordinator's own key. {@code corral ledger verify} alone passes such a history; with a
 * witness that kept the records as first published, it fails, naming the epoch.
 */
class LedgerWitnessTest extends OnTestNetwork {
    Run corral(String... args) {
        return Run.corral(args);
    }

    @Test
    void aWitnessCatchesAHistoryTheCoordinatorsKeyRewroteAndSignedAgain() throws Exception {
        aLedgerWithTwoEpochsClosed();
        List<EpochRecord> published = network.anonymous.allEpochs();
        assertThat(published).hasSizeGreaterThanOrEqualTo(2);

        try (Witness witness = Witness.start(network.anonymous, directory.resolve("witness"), "127.0.0.1", 0,
                Duration.ofHours(1), network.clock)) {
            assertThat(witness.kept()).as("records kept at the first look").isEqualTo(published.size());
            String witnessUrl = "http://127.0.0.1:" + witness.port();

            Run honest = corral("ledger", "verify", "--server", network.url.toString(), "--witness", witnessUrl);
            assertThat(honest.exit()).as(honest.err()).isZero();
            assertThat(honest.out()).contains("every record the witnesses kept is served unchanged: " + witnessUrl);

            // The key holder gives alice 1 USD more at her deposit and re-signs everything after it.
            KeyPair coordinatorKey = KeyFile.loadOrCreate(directory.resolve("coordinator").resolve(Coordinator.KEY_FILE));
            ForgedLedger forged = ForgedLedger.rewrite(network.anonymous.allJournal(), published, coordinatorKey);
            try (ForgedLedger.Server server = forged.serve(coordinatorKey)) {
                Run alone = corral("ledger", "verify", "--server", server.url());
                assertThat(alone.exit()).as("without a witness the rewrite passes: " + alone.err()).isZero();

                Run witnessed = corral("ledger", "verify", "--server", server.url(), "--witness", witnessUrl);
                assertThat(witnessed.exit()).isEqualTo(1);
                assertThat(witnessed.err()).contains("ledger verification FAILED at epoch 0: the coordinator's record "
                        + "differs from the one the witness kept").contains("history was rewritten");
            }
            assertThat(witness.conflicts()).as("the real coordinator served nothing else").isEmpty();
        }
    }

    /** A record signed before its epoch ended minted its block ahead of the schedule: a witness does not keep it. */
    @Test
    void aWitnessKeepsNoRecordOfAnEpochThatHasNotEndedByItsClock() throws Exception {
        aLedgerWithTwoEpochsClosed();
        // The network's clock ran two hours ahead: on the witness's, those epochs have not ended.
        try (Witness witness = Witness.start(network.anonymous, directory.resolve("early"), "127.0.0.1", 0,
                Duration.ofHours(1), Clock.offset(network.clock, Duration.ofMinutes(-130)))) {
            assertThat(witness.kept()).isZero();
            assertThat(witness.conflicts()).isNotEmpty().allSatisfy(conflict -> assertThat(conflict.what())
                    .contains("has not ended").contains("minted ahead of the schedule"));
        }
    }

    @Test
    void aWitnessJudgesEachRecordAgainstTheOneItKept() {
        EpochRecord first = new EpochRecord(0, 0, 3_600_000, 1, "a".repeat(64), 1, 1, 0, 1, "b".repeat(64), 1, "sig");
        EpochRecord other = new EpochRecord(0, 0, 3_600_000, 1, "c".repeat(64), 1, 1, 0, 1, "b".repeat(64), 1, "sig2");
        WitnessLog log = new WitnessLog();
        assertThat(log.judge(first)).isEqualTo(WitnessLog.Verdict.NEW);
        log.keep(new WitnessedEpoch(first, 0, "w"));
        assertThat(log.judge(first)).isEqualTo(WitnessLog.Verdict.SAME);
        assertThat(log.judge(other)).isEqualTo(WitnessLog.Verdict.DIFFERENT);
        List<WitnessedEpoch> kept = log.from(0, 10);
        assertThat(WitnessLog.departure(kept, List.of(first))).isEmpty();
        assertThat(WitnessLog.departure(kept, List.of(other))).get().asString().startsWith("epoch 0: the coordinator's "
                + "record differs");
        assertThat(WitnessLog.departure(kept, List.of())).get().asString().contains("no longer serves");
    }
}
