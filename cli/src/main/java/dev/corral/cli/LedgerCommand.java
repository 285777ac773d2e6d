package dev.corral.cli;

import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.ledger.LedgerAudit;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `corral ledger verify|epochs|proof`: check the public ledger with nothing but what the coordinator publishes. */
@Command(name = "ledger", mixinStandardHelpOptions = true, description = "The public, verifiable ledger.",
        subcommands = {LedgerCommand.Verify.class, LedgerCommand.Epochs.class, LedgerCommand.Proof.class})
final class LedgerCommand {
    private LedgerCommand() {}

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Download the journal and every epoch record; check every hash, signature, balance, the "
                    + "supply against the emission schedule and the cap. Exits 1 at the first discrepancy, naming it.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            CorralClient client = options.client();
            PublicKey key = client.ledgerKey();
            // Records first: the journal fetched after them reaches at least as far as the newest record.
            List<EpochRecord> epochs = client.allEpochs();
            LedgerAudit.Report report = LedgerAudit.verify(client.allJournal(), epochs, key);
            PrintWriter out = spec.commandLine().getOut();
            if (report.problem().isPresent()) {
                spec.commandLine().getErr().println("ledger verification FAILED at " + report.problem().get());
                out.println("checked " + report.entriesChecked() + " journal entries and " + report.epochsChecked()
                        + " epoch records before the discrepancy");
                return 1;
            }
            out.println("ledger verified: " + report.entriesChecked() + " journal entries hash-chained, "
                    + report.epochsChecked() + " epoch records signed and matching the replayed balances ("
                    + report.balances().values().stream().filter(b -> b != 0).count() + " non-zero balances); "
                    + "every currency sums to zero; IO supply follows the emission schedule under the cap");
            return 0;
        }
    }

    @Command(name = "epochs", mixinStandardHelpOptions = true, description = "List closed epochs' records.")
    static final class Epochs extends ClientCommand<List<EpochRecord>> {
        @Option(names = "--from", defaultValue = "0", description = "First epoch (default ${DEFAULT-VALUE}).")
        long from;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        List<EpochRecord> fetch(CorralClient client) {
            return client.epochs(from, limit);
        }

        @Override
        void print(PrintWriter out, List<EpochRecord> records) {
            out.printf("%-7s %-24s %-8s %-20s %-24s %s%n", "EPOCH", "ENDED", "JOURNAL", "BLOCK (IO)", "SUPPLY (IO)",
                    "BALANCE ROOT");
            for (EpochRecord r : records) {
                out.printf("%-7d %-24s %-8d %-20s %-24s %s%n", r.epoch(), Instant.ofEpochMilli(r.endsAtMillis()),
                        r.journalSeq(), TokenCommand.io(r.blockEmission()), TokenCommand.io(r.supply()), r.balanceRoot());
            }
        }
    }

    @Command(name = "proof", mixinStandardHelpOptions = true,
            description = "Prove one ledger account's balance at an epoch's close against that epoch's signed root.")
    static final class Proof implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ACCOUNT", description = "Ledger account, e.g. user:acc_...:IO or system:burn:IO.")
        String account;
        @Option(names = "--epoch", required = true)
        long epoch;

        @Override
        public Integer call() {
            CorralClient client = options.client();
            BalanceTree.Proof proof = client.balanceProof(account, epoch);
            List<EpochRecord> record = client.epochs(epoch, 1);
            boolean signed = !record.isEmpty() && record.getFirst().epoch() == epoch
                    && record.getFirst().signatureValid(client.ledgerKey())
                    && record.getFirst().balanceRoot().equals(proof.root());
            boolean holds = proof.holds() && signed;
            PrintWriter out = spec.commandLine().getOut();
            out.println(account + " held " + proof.leaf().balance() + " base units of " + proof.leaf().currency()
                    + " at the close of epoch " + epoch + ": " + (holds
                            ? "proven (" + proof.steps().size() + " steps to the signed root " + proof.root() + ")"
                            : "NOT proven"));
            return holds ? 0 : 1;
        }
    }

    /** The whole journal, page by page. */
}
