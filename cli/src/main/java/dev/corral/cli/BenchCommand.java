package dev.corral.cli;

import dev.corral.server.LedgerBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `corral bench ledger`: the ledger's benchmark (figures go in BENCHMARKS.md). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Ledger.class})
final class BenchCommand {
    private BenchCommand() {}

    @Command(name = "ledger", mixinStandardHelpOptions = true,
            description = "Settle a cluster of many devices and close an epoch with many devices earning, on a fresh "
                    + "embedded store (or an empty PostgreSQL schema with --db); print time, transfers/s and peak heap.")
    static final class Ledger implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--cluster-devices", defaultValue = "10000", description = "Devices in the settled cluster (default ${DEFAULT-VALUE}).")
        int clusterDevices;
        @Option(names = "--epoch-devices", defaultValue = "1000000", description = "Devices earning in the closed epoch (default ${DEFAULT-VALUE}).")
        int epochDevices;
        @Option(names = "--db", description = "JDBC URL of an empty PostgreSQL schema instead of a fresh embedded store.")
        String db;

        @Override
        public Integer call() throws Exception {
            Path directory = Files.createTempDirectory("corral-bench-");
            try {
                LedgerBenchmark.run(directory, db, clusterDevices, epochDevices, spec.commandLine().getOut());
                return 0;
            } finally {
                Demo.deleteTree(directory);
            }
        }
    }
}
