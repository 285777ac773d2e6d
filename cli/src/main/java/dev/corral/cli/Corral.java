package dev.corral.cli;

import dev.corral.sdk.CorralException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The command line that runs `corral ARGUMENTS` in a new JVM like this one (same java, same
     * class path) with this much heap, compiled by C1 only: the demo's and the deploy
     * benchmark's many agent JVMs compiling the same code with C2 took a third of the machine.
     * Native access is allowed, as corral.jar's manifest allows it when run with {@code -jar}:
     * the agent starts ranks through the C library (JNA), and a JDK of 24 or newer warns of
     * every library so loaded without it.
     */
    static List<String> inNewJvm(int heapMb, String... arguments) {
        return inNewJvm(heapMb, List.of(), arguments);
    }

    /** As {@link #inNewJvm(int, String...)}, with more options for the JVM. */
    static List<String> inNewJvm(int heapMb, List<String> jvmOptions, String... arguments) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + heapMb + "m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Corral.class.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    /** The command line with Corral's error handling: a refused call prints its message, not a stack trace. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Corral());
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
