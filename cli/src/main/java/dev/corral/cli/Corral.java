package dev.corral.cli;

import dev.corral.bench.BenchCommand;
import dev.corral.sdk.CorralException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one `corral` program: coordinator, worker agent, client commands and the demo. */
@Command(name = "corral", mixinStandardHelpOptions = true, version = "corral 0.1.0",
        description = "Corral: a decentralized GPU cloud. Run a coordinator, join devices, deploy clusters.",
        subcommands = {
            DemoCommand.class,
            ServerCommand.class,
            WorkerCommand.class,
            AccountCommand.class,
            AdminCommand.class,
            DeviceCommand.class,
            ClusterCommands.Quote.class,
            ClusterCommands.Deploy.class,
            ClusterCommands.ListClusters.class,
            ClusterCommands.Show.class,
            ClusterCommands.Logs.class,
            ClusterCommands.Extend.class,
            ClusterCommands.Terminate.class,
            SshCommand.class,
            AccountCommand.Transfers.class,
            NetworkCommand.class,
            TokenCommand.class,
            LedgerCommand.class,
            RewardsCommand.class,
            WalletCommand.class,
            OracleCommand.class,
            StakeCommand.class,
            OffersCommand.class,
            BenchCommand.class
        })
public final class Corral {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with Corral's error handling: a refused call prints its message, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Corral()).setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = switch (e) {
                case CorralException refused -> refused.getMessage() + " (" + refused.status() + " " + refused.error() + ")";
                case IllegalArgumentException invalid -> invalid.getMessage();
                case UncheckedIOException io -> io.getMessage();
                default -> null;
            };
            if (message == null) {
                throw e;
            }
            cmd.getErr().println("error: " + message);
            return 1;
        });
        return line;
    }
}
