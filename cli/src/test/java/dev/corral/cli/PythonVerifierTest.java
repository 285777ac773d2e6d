package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Json;
import dev.corral.core.auth.KeyFile;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.Money;
import dev.corral.server.Coordinator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * `corral ledger verify` against an independent verifier written from docs/ledger-format.md
 * alone, in Python with its standard library only (scripts/verify-ledger.py): on a real
 * coordinator's ledger and on forged ones, both must say the same, word for word.
 */
class PythonVerifierTest extends OnTestNetwork {
    private static final Path SCRIPT = Path.of("..", "scripts", "verify-ledger.py");
    private static final long SCRIPT_TIMEOUT_SECONDS = 120;

    record Said(int exit, String line) {}

    @Test
    void bothVerifiersSayTheSameOfARealLedgerAndOfForgedOnes() throws Exception {
        aLedgerWithTwoEpochsClosed();

        Said java = java(network.url.toString());
        assertThat(java.exit()).as(java.line()).isZero();
        assertThat(python(network.url.toString())).isEqualTo(java);

        List<JournalEntry> journal = network.anonymous.allJournal();
        List<EpochRecord> epochs = network.anonymous.allEpochs();
        KeyPair key = KeyFile.loadOrCreate(directory.resolve("coordinator").resolve(Coordinator.KEY_FILE));
        List<ForgedLedger> forgeries = new ArrayList<>();
        // The key holder's consistent rewrite: both pass it (a witness is what catches it).
        forgeries.add(ForgedLedger.rewrite(journal, epochs, key));
        // An entry changed, its hash left.
        List<JournalEntry> changed = new ArrayList<>(journal);
        JournalEntry third = journal.get(2);
        Transfer t = third.transfer();
        changed.set(2, new JournalEntry(third.seq(), new Transfer(t.idempotencyKey(), t.debitAccount(), t.creditAccount(),
                new Money(t.amount().minor() + 1, t.amount().currency()), t.kind(), t.clusterId()),
                third.createdAtMillis(), third.prevHash(), third.hash()));
        forgeries.add(new ForgedLedger(changed, epochs));
        // An entry dropped.
        List<JournalEntry> dropped = new ArrayList<>(journal);
        dropped.remove(3);
        forgeries.add(new ForgedLedger(dropped, epochs));
        // The last record's window moved (a restart with another epoch length), signed with the key.
        List<EpochRecord> moved = new ArrayList<>(epochs);
        EpochRecord last = epochs.getLast();
        long half = (last.endsAtMillis() - last.startsAtMillis()) / 2;
        moved.set(moved.size() - 1, new EpochRecord(last.epoch(), last.startsAtMillis(), last.startsAtMillis() + half,
                last.journalSeq(), last.journalHead(), last.blockEmission(), last.minted(), last.burned(), last.supply(),
                last.balanceRoot(), last.balances(), null).signedWith(key.getPrivate()));
        forgeries.add(new ForgedLedger(journal, moved));
        // A record's figure changed after signing.
        List<EpochRecord> unsigned = new ArrayList<>(epochs);
        EpochRecord first = epochs.getFirst();
        unsigned.set(0, new EpochRecord(first.epoch(), first.startsAtMillis(), first.endsAtMillis(), first.journalSeq(),
                first.journalHead(), first.blockEmission(), first.minted() + 1, first.burned(), first.supply() + 1,
                first.balanceRoot(), first.balances(), first.signature()));
        forgeries.add(new ForgedLedger(journal, unsigned));
        // A record dropped.
        forgeries.add(new ForgedLedger(journal, epochs.subList(1, epochs.size())));

        // An entry moving a negative amount (money from nothing), which neither verifier may take as read.
        String journalJson = Json.mapper().writeValueAsString(journal);
        long fourth = journal.get(3).transfer().amount().minor();
        String negative = journalJson.replaceFirst("\"seq\":4,(.*?)\"minor\":" + fourth + ",",
                "\"seq\":4,$1\"minor\":" + (-fourth) + ",");
        assertThat(negative).isNotEqualTo(journalJson);
        try (ForgedLedger.Server server = ForgedLedger.Server.raw(negative, epochs, key)) {
            Said javaSaid = java(server.url());
            Said pythonSaid = python(server.url());
            assertThat(javaSaid.exit()).isEqualTo(1);
            assertThat(pythonSaid.exit()).isEqualTo(1);
            assertThat(javaSaid.line()).startsWith("error: ");
            assertThat(pythonSaid.line()).startsWith("error: journal entry 4: a transfer moves a positive amount");
        }

        List<Integer> exits = new ArrayList<>();
        for (ForgedLedger forged : forgeries) {
            try (ForgedLedger.Server server = forged.serve(key)) {
                Said javaSaid = java(server.url());
                assertThat(python(server.url())).as("what Python says where Java says: " + javaSaid.line())
                        .isEqualTo(javaSaid);
                exits.add(javaSaid.exit());
            }
        }
        assertThat(exits).as("the rewrite passes; every other forgery fails").containsExactly(0, 1, 1, 1, 1, 1);
    }

    /** What `corral ledger verify` says: its exit, and its verdict line. */
    private static Said java(String server) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Corral.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute("ledger", "verify", "--server", server);
        return new Said(exit, (exit == 0 ? out : err).toString().lines().findFirst().orElse(""));
    }

    /** What the Python verifier says: its exit, and its verdict line. */
    private static Said python(String server) throws Exception {
        Process python = new ProcessBuilder("python3", SCRIPT.toString(), "--server", server).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the Python verifier ended").isTrue();
        int exit = python.exitValue();
        return new Said(exit, (exit == 0 ? out : err).lines().findFirst().orElse(err));
    }
}
