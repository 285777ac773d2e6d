package dev.corral.cli;

import dev.corral.ledger.EmissionSchedule;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `corral token schedule`: the IO emission schedule, computed here, no server needed. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "The IO network token.",
        subcommands = {TokenCommand.Schedule.class})
final class TokenCommand {

    @Command(name = "schedule", mixinStandardHelpOptions = true,
            description = "Print the IO emission schedule: 500M at genesis, 240 months of 730 hourly blocks, "
                    + "decreasing 1.02%% a month, ending exactly on the 800M cap.")
    static final class Schedule implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--by", defaultValue = "year", description = "month or year (default ${DEFAULT-VALUE}).")
        String by;

        @Override
        public Integer call() {
            int monthsPerRow = switch (by) {
                case "month" -> 1;
                case "year" -> 12;
                default -> throw new IllegalArgumentException("--by must be month or year, not " + by);
            };
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-6s %22s %22s %22s %8s%n", by.toUpperCase(), "MINTED (IO)", "MINTED SO FAR (IO)",
                    "SUPPLY (IO)", "OF CAP");
            for (int first = 0; first < EmissionSchedule.MONTHS; first += monthsPerRow) {
                long start = (long) first * EmissionSchedule.BLOCKS_PER_MONTH;
                long end = (long) (first + monthsPerRow) * EmissionSchedule.BLOCKS_PER_MONTH;
                long minted = EmissionSchedule.emittedThrough(end) - EmissionSchedule.emittedThrough(start);
                long supply = EmissionSchedule.supplyAfter(end);
                out.printf("%-6d %22s %22s %22s %7.3f%%%n", first / monthsPerRow + 1, io(minted),
                        io(EmissionSchedule.emittedThrough(end)), io(supply),
                        100.0 * supply / EmissionSchedule.HARD_CAP);
            }
            out.println("first block mints " + io(EmissionSchedule.blockEmission(0)) + " IO; E0 (month 1) = "
                    + EmissionSchedule.firstMonthIo().setScale(9, RoundingMode.HALF_EVEN).toPlainString() + " IO");
            return 0;
        }
    }

    /** Base units as IO with all 9 decimals. */
    static String io(long baseUnits) {
        return BigDecimal.valueOf(baseUnits, 9).toPlainString();
    }
}
