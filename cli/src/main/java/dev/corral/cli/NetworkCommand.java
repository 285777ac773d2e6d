package dev.corral.cli;

import dev.corral.core.api.NetworkStats;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** `corral network`: the public figures, no key needed. */
@Command(name = "network", mixinStandardHelpOptions = true, description = "Show public network figures: devices, clusters, ledger sums.")
final class NetworkCommand extends ClientCommand<NetworkStats> {
    @Override
    NetworkStats fetch(CorralClient client) {
        return client.networkStats();
    }

    @Override
    void print(PrintWriter out, NetworkStats stats) {
        out.println("devices online " + stats.devicesOnline() + " (" + stats.devicesIdle() + " idle, "
                + stats.devicesHired() + " hired) by model " + stats.devicesOnlineByModel());
        out.println("clusters " + stats.clustersByState());
        for (NetworkStats.LedgerTotal total : stats.ledger()) {
            out.println("ledger " + total.currency() + ": balances sum to " + total.balanceSumMinor() + ", "
                    + total.fundedFromOutsideMinor() + " minor units came in, fees " + total.networkFeesMinor()
                    + ", " + total.transfers() + " transfers");
        }
        NetworkStats.TokenSupply token = stats.token();
        out.println("IO supply " + TokenCommand.io(token.supplyBaseUnits()) + " (minted " + TokenCommand.io(token.mintedBaseUnits())
                + ", burned " + TokenCommand.io(token.burnedBaseUnits()) + ", cap " + TokenCommand.io(token.capBaseUnits()) + ")");
    }
}
