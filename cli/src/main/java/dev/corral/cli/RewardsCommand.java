package dev.corral.cli;

import dev.corral.core.api.RewardView;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `corral rewards`: what your devices earned in availability rewards, per epoch and device. */
@Command(name = "rewards", mixinStandardHelpOptions = true,
        description = "List your devices' availability rewards in IO, per epoch and device, newest first.")
final class RewardsCommand extends ClientCommand<List<RewardView>> {
    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    List<RewardView> fetch(CorralClient client) {
        return client.rewards(limit);
    }

    @Override
    void print(PrintWriter out, List<RewardView> rewards) {
        out.printf("%-7s %-25s %s%n", "EPOCH", "DEVICE", "REWARD");
        for (RewardView reward : rewards) {
            out.printf("%-7d %-25s %s%n", reward.epoch(), reward.deviceId(), Format.amount(reward.amount()));
        }
    }
}
