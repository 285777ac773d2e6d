package dev.corral.cli;

import dev.corral.core.api.NetworkStats;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `corral network`: the public figures, no key needed. */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Show public network figures: devices, clusters, ledger sums.")
final class NetworkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions options;

    @Override
    public Integer call() {
        NetworkStats stats = options.client().networkStats();
        PrintWriter out = spec.commandLine().getOut();
        if (!options.printedJson(out, stats)) {
            out.println("devices online " + stats.devicesOnline() + " (" + stats.devicesIdle() + " idle, "
                    + stats.devicesHired() + " hired) by model " + stats.devicesOnlineByModel());
            out.println("clusters " + stats.clustersByState());
            for (NetworkStats.LedgerTotal total : stats.ledger()) {
                out.println("ledger " + total.currency() + ": balances sum to " + total.balanceSumMinor() + ", "
                        + total.fundedFromOutsideMinor() + " minor units came in, fees " + total.networkFeesMinor()
                        + ", " + total.transfers() + " transfers");
            }
        }
        return 0;
    }
}
