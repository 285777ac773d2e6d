package dev.corral.cli;

import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.JoinTokenView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `corral device join-token|list|show|set`: a supplier's devices. */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Your devices: join new ones, list, inspect, set prices.",
        subcommands = {DeviceCommand.JoinToken.class, DeviceCommand.ListDevices.class, DeviceCommand.Show.class,
            DeviceCommand.Set.class})
final class DeviceCommand {

    @Command(name = "join-token", mixinStandardHelpOptions = true,
            description = "Make a one-time token for 'corral worker --join-token' (valid 24 hours).")
    static final class JoinToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            JoinTokenView token = options.client().joinToken();
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, token)) {
                out.println(token.token());
                out.println("valid until " + token.expiresAt() + "; on the device run:");
                out.println("  corral worker --server " + options.server() + " --join-token " + token.token());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your devices.")
    static final class ListDevices implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            List<DeviceView> devices = options.client().devices();
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, devices)) {
                out.printf("%-25s %-8s %-32s %-10s %-14s %s%n", "DEVICE", "STATUS", "HARDWARE", "REGION", "MIN $/H", "CLUSTER");
                for (DeviceView d : devices) {
                    out.printf("%-25s %-8s %-32s %-10s %-14s %s%n", d.deviceId(), d.status(), d.hardware().describe(),
                            d.region(), Format.amount(d.minPricePerHour()), d.clusterId() == null ? "-" : d.clusterId());
                }
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one device with its latest telemetry.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            DeviceView device = options.client().device(id);
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, device)) {
                print(out, device);
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Change what an owner may change: name, price floor, reward split.")
    static final class Set implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--name")
        String name;
        @Option(names = "--min-price", description = "Lowest USD per device-hour this device accepts.")
        String minPrice;
        @Option(names = "--reward-split-io", description = "Percent of rewards to take in IO rather than USD (0-100).")
        Integer rewardSplitIo;

        @Override
        public Integer call() {
            DeviceView device = options.client().updateDevice(id, new DeviceUpdate(name, minPrice, rewardSplitIo));
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, device)) {
                print(out, device);
            }
            return 0;
        }
    }

    static void print(PrintWriter out, DeviceView d) {
        out.println("device     " + d.deviceId() + " (" + d.name() + ")");
        out.println("status     " + d.status() + (d.clusterId() == null ? "" : " in " + d.clusterId()));
        out.println("hardware   " + d.hardware().describe() + ", driver " + d.hardware().driverVersion()
                + ", CPU " + d.hardware().cpuModel() + " x" + d.hardware().cpuCores());
        out.println("region     " + d.region() + ", host " + d.host() + ", runtimes " + d.runtimes());
        out.println("min price  " + Format.amount(d.minPricePerHour()) + " per hour, IO split " + d.rewardSplitIoPercent() + "%");
        out.println("last seen  " + d.lastSeenAt());
        if (d.telemetry() != null) {
            out.printf("telemetry  CPU %.0f%%, memory used %d MB%n", d.telemetry().cpuLoadPercent(),
                    d.telemetry().memoryUsedMb());
            d.telemetry().gpus().forEach(g -> out.printf("  GPU  util %.0f%%  %.0f C  %.0f W  %d MB used%n",
                    g.utilizationPercent(), g.temperatureC(), g.powerW(), g.memoryUsedMb()));
        }
    }
}
