package dev.corral.cli;

import dev.corral.core.api.ClusterView;
import dev.corral.core.api.Endpoint;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.SshAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral ssh CLUSTER [--rank N] [-- COMMAND...]}: logs in to a running rank with the
 * system's ssh client, at the address its port 22 is published on (a cluster deployed with
 * {@code --ssh-key}). The rank's host keys are kept apart from the user's own known hosts.
 */
@Command(name = "ssh", mixinStandardHelpOptions = true, description = "Log in to a rank of a running cluster "
        + "deployed with --ssh-key, with this machine's ssh client (or run COMMAND there).")
final class SshCommand implements Callable<Integer> {
    /** Where the ranks' host keys are kept: a rank's address is reused by other clusters' ranks. */
    static final Path KNOWN_HOSTS = Path.of(System.getProperty("user.home"), ".corral", "ssh_known_hosts");

    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions options;
    @Parameters(index = "0", paramLabel = "CLUSTER")
    String cluster;
    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "A command to run instead of a shell.")
    List<String> command = new ArrayList<>();
    @Option(names = "--rank", defaultValue = "0", description = "The rank to log in to (default ${DEFAULT-VALUE}).")
    int rank;
    @Option(names = {"-i", "--identity"}, description = "The private key to log in with (ssh's default otherwise).")
    Path identity;
    @Option(names = "--user", defaultValue = "root", description = "The user in the rank's container (default "
            + "${DEFAULT-VALUE}: the keys are installed for the container's user).")
    String user;
    @Option(names = "--print", description = "Print the ssh command instead of running it.")
    boolean print;

    @Override
    public Integer call() throws Exception {
        CorralClient client = options.client();
        ClusterView view = client.cluster(cluster);
        Endpoint endpoint = SshAccess.endpoint(view, rank).orElseThrow(() -> new IllegalArgumentException(
                view.ranks().stream().noneMatch(r -> r.rank() == rank) ? "cluster " + cluster + " has no rank " + rank
                        : "rank " + rank + " of " + cluster + " publishes no SSH port: deploy with --ssh-key, and "
                                + "wait until the rank runs (it is " + view.state() + ")"));
        List<String> argv = SshAccess.argv(endpoint.address(), user, Optional.ofNullable(identity), KNOWN_HOSTS, command);
        if (print) {
            spec.commandLine().getOut().println(String.join(" ", argv));
            return 0;
        }
        Files.createDirectories(KNOWN_HOSTS.getParent());
        return new ProcessBuilder(argv).inheritIO().start().waitFor();
    }
}
