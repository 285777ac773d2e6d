package dev.corral.cli;

import dev.corral.core.api.StakeView;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `corral stake add|remove|list|share`. */
@Command(name = "stake", mixinStandardHelpOptions = true,
        description = "Stake IO on a supplier or customer (or yourself): stakers get the target's staker share of its "
                + "rewards; stake raises a supplier's placement chance and gives a customer priority on scarce devices.",
        subcommands = {StakeCommand.Add.class, StakeCommand.Remove.class, StakeCommand.ListStakes.class,
            StakeCommand.Share.class})
final class StakeCommand {
    private StakeCommand() {}

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Stake IO on an account.")
    static final class Add extends ClientCommand<StakeView> {
        @Option(names = "--on", required = true, description = "The account to stake on (acc_...).")
        String on;
        @Option(names = "--io", required = true, description = "IO to stake, up to 9 decimals.")
        String io;
        @Option(names = "--idempotency-key", description = "Repeat the same key to be sure a retry stakes once.")
        String idempotencyKey;

        @Override
        StakeView fetch(CorralClient client) {
            return client.stake(on, io, idempotencyKey);
        }

        @Override
        void print(PrintWriter out, StakeView stake) {
            StakeCommand.print(out, List.of(stake));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Stop a stake now; its IO comes back after the 14-day cool-down.")
    static final class Remove extends ClientCommand<StakeView> {
        @Parameters(paramLabel = "STAKE_ID")
        String id;

        @Override
        StakeView fetch(CorralClient client) {
            return client.unstake(id);
        }

        @Override
        void print(PrintWriter out, StakeView stake) {
            StakeCommand.print(out, List.of(stake));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Stakes you made and stakes on you.")
    static final class ListStakes extends ClientCommand<List<StakeView>> {
        @Override
        List<StakeView> fetch(CorralClient client) {
            return client.stakes();
        }

        @Override
        void print(PrintWriter out, List<StakeView> stakes) {
            StakeCommand.print(out, stakes);
        }
    }

    @Command(name = "share", mixinStandardHelpOptions = true,
            description = "Set the percent (1 to 3) of your rewards that goes to the IO staked on you.")
    static final class Share extends ClientCommand<Map<String, Integer>> {
        @Parameters(paramLabel = "PERCENT")
        int percent;

        @Override
        Map<String, Integer> fetch(CorralClient client) {
            client.setStakerShare(percent);
            return Map.of("stakerSharePercent", percent);
        }

        @Override
        void print(PrintWriter out, Map<String, Integer> answer) {
            out.println("stakers now get " + answer.get("stakerSharePercent") + "% of your rewards");
        }
    }

    static void print(PrintWriter out, List<StakeView> stakes) {
        out.printf("%-25s %-25s %-25s %-24s %-13s %s%n", "STAKE", "STAKER", "ON", "AMOUNT", "STATE", "RELEASE");
        for (StakeView s : stakes) {
            out.printf("%-25s %-25s %-25s %-24s %-13s %s%n", s.stakeId(), s.stakerAccountId(), s.targetAccountId(),
                    Format.amount(s.amount()), s.state(), s.releaseAt() == null ? "-" : s.releaseAt());
        }
    }
}
