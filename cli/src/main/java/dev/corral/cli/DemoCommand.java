package dev.corral.cli;

import dev.corral.core.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `corral demo`: the whole system, end to end, on this machine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a coordinator and 4 agents, deploy a 4-rank cluster that computes a sum over TCP, "
                + "check the result and the money, print the web faces' addresses, stop everything (unless --keep). "
                + "Exits 0 when every check passed.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--keep", description = "After the checks, keep the coordinator and its agents running (to look "
            + "at the web faces) until Ctrl-C, and keep the demo's data directory (store, agent logs).")
    boolean keep;

    @Option(names = "--ranks-in", defaultValue = "AUTO", paramLabel = "auto|container|process",
            description = "Where the ranks run: in containers of a busybox image made here where a container engine "
                    + "answers and /bin/busybox is static, else as processes (auto, the default); or only in one of them.")
    Demo.RanksIn ranksIn;

    @Override
    public Integer call() throws Exception {
        Path directory = Files.createTempDirectory("corral-demo-");
        try {
            return new Demo(spec.commandLine().getOut(), directory, ranksIn, keep).run() ? 0 : 1;
        } finally {
            if (keep) {
                spec.commandLine().getOut().println("kept " + directory);
            } else {
                FileTrees.delete(directory);
            }
        }
    }
}
