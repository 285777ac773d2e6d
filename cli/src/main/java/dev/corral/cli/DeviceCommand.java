package dev.corral.cli;

import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.JoinTokenView;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `corral device join-token|list|show|set`: a supplier's devices. */
@Command(name = "device", mixinStandardHelpOptions = true, description = "Your devices: join new ones, list, inspect, set prices and listing, ask for re-verification.",
        subcommands = {DeviceCommand.JoinToken.class, DeviceCommand.ListDevices.class, DeviceCommand.Show.class, DeviceCommand.Reverify.class,
            DeviceCommand.Set.class})
final class DeviceCommand {

    @Command(name = "join-token", mixinStandardHelpOptions = true,
            description = "Make a one-time token for 'corral worker --join-token' (valid 24 hours).")
    static final class JoinToken extends ClientCommand<JoinTokenView> {
        @Override
        JoinTokenView fetch(CorralClient client) {
            return client.joinToken();
        }

        @Override
        void print(PrintWriter out, JoinTokenView token) {
            out.println(token.token());
            out.println("valid until " + token.expiresAt() + "; on the device run:");
            out.println("  corral worker --server " + options.server() + " --join-token " + token.token());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your devices.")
    static final class ListDevices extends ClientCommand<List<DeviceView>> {
        @Override
        List<DeviceView> fetch(CorralClient client) {
            return client.devices();
        }

        @Override
        void print(PrintWriter out, List<DeviceView> devices) {
            out.printf("%-25s %-8s %-32s %-10s %-14s %s%n", "DEVICE", "STATUS", "HARDWARE", "REGION", "MIN $/H", "CLUSTER");
            for (DeviceView d : devices) {
                out.printf("%-25s %-8s %-32s %-10s %-14s %s%n", d.deviceId(), d.status(), d.hardware().describe(),
                        d.region(), Format.amount(d.minPricePerHour()), d.clusterId() == null ? "-" : d.clusterId());
            }
        }
    }

    /** A command on one device that answers with the device as it is afterwards. */
    abstract static class OneDevice extends ClientCommand<DeviceView> {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        void print(PrintWriter out, DeviceView device) {
            DeviceCommand.print(out, device);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one device with its latest telemetry.")
    static final class Show extends OneDevice {
        @Override
        DeviceView fetch(CorralClient client) {
            return client.device(id);
        }
    }

    @Command(name = "reverify", mixinStandardHelpOptions = true,
            description = "Ask for a BLOCKED device to be challenged again at once; passing unblocks it.")
    static final class Reverify extends OneDevice {
        @Override
        DeviceView fetch(CorralClient client) {
            return client.reverifyDevice(id);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change what an owner may change: name, price floor, reward split, country, supplier type.")
    static final class Set extends OneDevice {
        @Option(names = "--name")
        String name;
        @Option(names = "--min-price", description = "Lowest USD per device-hour this device accepts.")
        String minPrice;
        @Option(names = "--reward-split-io", description = "Percent of rewards to take in IO rather than USD (0-100).")
        Integer rewardSplitIo;
        @Option(names = "--country", description = "Where the device is: ISO 3166 two-letter code, e.g. DE.")
        String country;
        @Option(names = "--supplier", description = "Who runs it: datacenter, miner or individual.")
        String supplier;

        @Override
        DeviceView fetch(CorralClient client) {
            return client.updateDevice(id, new DeviceUpdate(name, minPrice, rewardSplitIo, country, supplier));
        }
    }

    static void print(PrintWriter out, DeviceView d) {
        out.println("device     " + d.deviceId() + " (" + d.name() + ")");
        out.println("status     " + d.status() + (d.clusterId() == null ? "" : " in " + d.clusterId())
                + (d.statusReason() == null ? "" : ": " + d.statusReason() + " (since " + d.statusSince() + ")"));
        out.println("hardware   " + d.hardware().describe() + (d.hardware().driverVersion() == null ? ""
                : ", driver " + d.hardware().driverVersion()) + ", CPU " + d.hardware().cpuModel() + " x"
                + d.hardware().cpuCores());
        out.println("region     " + d.region() + ", host " + d.host() + ", runtimes " + d.runtimes());
        out.println("min price  " + Format.amount(d.minPricePerHour()) + " per hour, IO split " + d.rewardSplitIoPercent() + "%");
        out.println("last seen  " + d.lastSeenAt());
        out.println("challenge  " + (d.lastChallenge() == null ? "none yet" : d.lastChallenge()));
        out.printf("reputation %.3f%n", d.reputation());
        d.claimFlags().forEach(flag -> out.println("claim      contradicted: " + flag));
        out.println("listing    country " + (d.country().isEmpty() ? "(not set)" : d.country()) + ", " + d.supplierType()
                + ", security tier " + d.securityTier() + ", connectivity tier " + d.connectivityTier());
        out.println("bandwidth  " + (d.bandwidth() == null ? "not measured yet"
                : d.bandwidth().downMbps() + " Mbit/s down, " + d.bandwidth().upMbps() + " Mbit/s up (measured "
                        + d.bandwidth().measuredAt() + ")"));
        if (d.telemetry() != null) {
            out.printf("telemetry  CPU %.0f%%, memory used %d MB%n", d.telemetry().cpuLoadPercent(),
                    d.telemetry().memoryUsedMb());
            d.telemetry().gpus().forEach(g -> out.printf("  GPU  util %.0f%%  %.0f C  %.0f W  %d MB used%n",
                    g.utilizationPercent(), g.temperatureC(), g.powerW(), g.memoryUsedMb()));
        }
    }
}
