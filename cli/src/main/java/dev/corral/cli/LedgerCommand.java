package dev.corral.cli;

import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.ledger.LedgerAudit;
import dev.corral.core.auth.AgentSignature;
import dev.corral.sdk.CorralClient;
import dev.corral.witness.Witness;
import dev.corral.witness.WitnessClient;
import dev.corral.witness.WitnessLog;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `corral ledger verify|epochs|proof`: check the public ledger with nothing but what the coordinator publishes. */
@Command(name = "ledger", mixinStandardHelpOptions = true, description = "The public, verifiable ledger.",
        subcommands = {LedgerCommand.Verify.class, LedgerCommand.Epochs.class, LedgerCommand.Proof.class,
            LedgerCommand.WitnessCommand.class})
final class LedgerCommand {
    private LedgerCommand() {}

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Download the journal and every epoch record; check every hash, signature, balance, the "
                    + "schedule of epochs, the supply against the emission schedule and the cap, and that every "
                    + "record a witness kept is still served unchanged. Exits 1 at the first discrepancy, naming it.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--witness", paramLabel = "URL", description = "A witness ('corral ledger witness') whose kept "
                + "records the coordinator's must match; may be given more than once.")
        List<URI> witnesses = new ArrayList<>();

        @Override
        public Integer call() {
            CorralClient client = options.client();
            // The witnesses' records first: the coordinator's, read after them, must include every one they kept.
            List<WitnessClient.Kept> witnessed = witnesses.stream().map(WitnessClient::fetch).toList();
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
            List<String> agreed = new ArrayList<>();
            for (int i = 0; i < witnesses.size(); i++) {
                URI witness = witnesses.get(i);
                WitnessClient.Kept kept = witnessed.get(i);
                Optional<String> problem = kept.badSignature()
                        .or(() -> kept.coordinatorKey().equals(AgentSignature.encodePublicKey(key)) ? Optional.empty()
                                : Optional.of("the witness watches a coordinator with another key"))
                        .or(() -> WitnessLog.departure(kept.epochs(), epochs));
                if (problem.isPresent()) {
                    spec.commandLine().getErr().println("ledger verification FAILED at " + problem.get() + " (witness "
                            + witness + ", key " + kept.witnessFingerprint() + ")");
                    return 1;
                }
                agreed.add(witness + " (key " + kept.witnessFingerprint() + ", " + kept.epochs().size()
                        + " records kept)");
            }
            out.println("ledger verified: " + report.entriesChecked() + " journal entries hash-chained, "
                    + report.epochsChecked() + " epoch records signed and matching the replayed balances ("
                    + report.balances().values().stream().filter(b -> b != 0).count() + " non-zero balances); "
                    + "every currency sums to zero; IO supply follows the emission schedule under the cap"
                    + (agreed.isEmpty() ? "" : "; every record the witnesses kept is served unchanged: "
                            + String.join(", ", agreed)));
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
        @Parameters(paramLabel = "ACCOUNT", description = "Ledger account as the public journal names it, e.g. "
                + "user:u_...:IO or system:burn:IO; or your own wallet by its id, user:acc_...:IO, with --key.")
        String account;
        @Option(names = "--epoch", required = true)
        long epoch;

        @Override
        public Integer call() {
            CorralClient client = options.client();
            BalanceTree.Proof proof = client.balanceProof(account, epoch);
            List<EpochRecord> record = client.epochs(epoch, 1);
            // The leaf must be the account asked about: by its public name, or for one's own wallet its pseudonym's.
            String expected = account.startsWith("user:acc_")
                    ? "user:" + client.pseudonym().pseudonym() + account.substring(account.lastIndexOf(':'))
                    : account;
            boolean signed = !record.isEmpty() && record.getFirst().epoch() == epoch
                    && record.getFirst().signatureValid(client.ledgerKey())
                    && record.getFirst().balanceRoot().equals(proof.root()) && proof.leaf().account().equals(expected);
            boolean holds = proof.holds() && signed;
            PrintWriter out = spec.commandLine().getOut();
            out.println(account + " held " + proof.leaf().balance() + " base units of " + proof.leaf().currency()
                    + " at the close of epoch " + epoch + ": " + (holds
                            ? "proven (" + proof.steps().size() + " steps to the signed root " + proof.root() + ")"
                            : "NOT proven"));
            return holds ? 0 : 1;
        }
    }

    @Command(name = "witness", mixinStandardHelpOptions = true,
            description = "Witness a coordinator's ledger: keep every epoch record it publishes (checked against its "
                    + "key, forced to disk), co-sign it, note any record it later serves otherwise, and serve what "
                    + "was kept for 'corral ledger verify --witness URL'. Runs until stopped.")
    static final class WitnessCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--data", defaultValue = "corral-witness",
                description = "Where the witness's key and the records it kept are (default ${DEFAULT-VALUE}).")
        Path data;
        @Option(names = "--port", defaultValue = "8090", description = "Port to serve on (default ${DEFAULT-VALUE}).")
        int port;
        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to serve on (default ${DEFAULT-VALUE}).")
        String bind;
        @Option(names = "--interval", defaultValue = "60",
                description = "Seconds between looks at the coordinator's records (default ${DEFAULT-VALUE}).")
        long intervalSeconds;

        @Override
        public Integer call() throws Exception {
            if (intervalSeconds < 1) {
                throw new IllegalArgumentException("--interval is at least 1 second");
            }
            Witness witness = Witness.start(options.client(), data, bind, port, Duration.ofSeconds(intervalSeconds),
                    Clock.systemUTC());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                witness.close();
                stop.countDown();
            }));
            PrintWriter out = spec.commandLine().getOut();
            out.println("witnessing " + options.server() + " on http://" + bind + ":" + witness.port() + " ("
                    + witness.kept() + " records kept in " + data.toAbsolutePath() + "; witness key "
                    + witness.publicKeyFingerprint() + ")");
            out.flush();
            stop.await();
            return 0;
        }
    }
}
