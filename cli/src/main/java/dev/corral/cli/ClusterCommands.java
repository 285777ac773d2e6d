package dev.corral.cli;

import dev.corral.core.Runtimes;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.ImagePull;
import dev.corral.core.api.LogView;
import dev.corral.core.api.QuoteView;
import dev.corral.sdk.CorralClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The customer's commands: quote, deploy, clusters, cluster, logs, extend, terminate. */
final class ClusterCommands {
    static final Duration WAIT_MAX = Duration.ofMinutes(10);
    static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private ClusterCommands() {}

    /** What to rent: a GPU model or a CPU device, how many, how long, where. */
    static final class Shape {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Processor processor;

        @Option(names = "--gpus-per-device", description = "GPUs on each device (default 1).")
        Integer gpusPerDevice;

        @Option(names = "--count", required = true, paramLabel = "N|all", description = "Number of devices; each "
                + "runs one rank. 'all' (deploy only) hires every idle device that matches, up to "
                + DeployRequest.COUNT_MAX + ", and holds escrow for as many as were placed.")
        String count;

        @Option(names = "--hours", required = true, description = "Hours to pay for now (extend later).")
        int hours;

        @Option(names = "--region", description = "Only devices in this region.")
        String region;

        @Option(names = "--where", description = "More conditions on the devices, as in 'corral offers', e.g. 'vram>=80 price<=2'.")
        String where;

        static final class Processor {
            @Option(names = "--gpu", description = "GPU model, e.g. H100, A100, \"RTX 4090\".")
            String gpu;

            @Option(names = "--cpu", description = "CPU devices instead of GPUs.")
            boolean cpu;
        }

        DeployRequest request(String name, String type, String cmd, Map<String, String> env, String pay, String layout,
                String quoteId, ContainerSpec container) {
            DeployRequest request = new DeployRequest(name, processor.gpu, processor.cpu ? Boolean.TRUE : null,
                    processor.cpu ? null : gpusPerDevice, 1, hours, region, type, cmd, env, pay, where, layout,
                    quoteId).withContainer(container);
            if (count.equals("all")) {
                return request.forAllMatching();
            }
            try {
                return request.withCount(Integer.parseInt(count));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--count takes a number of devices or 'all', not '" + count + "'");
            }
        }
    }

    @Command(name = "quote", mixinStandardHelpOptions = true, description = "Price a cluster before paying for it.")
    static final class Quote extends ClientCommand<QuoteView> {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Shape shape;

        @Override
        QuoteView fetch(CorralClient client) {
            if (shape.count.equals("all")) {
                throw new IllegalArgumentException("a quote prices a number of devices: --count all is for deploy");
            }
            return client.quote(shape.request(null, null, null, null, null, null, null, null));
        }

        @Override
        void print(PrintWriter out, QuoteView quote) {
            out.println(quote.count() + " x " + (quote.gpuModel() == null ? "CPU" : quote.gpusPerDevice() + "x "
                    + quote.gpuModel()) + " for " + quote.hours() + " h: " + Format.amount(quote.total()) + " ("
                    + Format.amount(quote.pricePerDeviceHour()) + " per device-hour); "
                    + quote.devicesAvailable() + " matching devices idle now");
            QuoteView.Breakdown b = quote.breakdown();
            out.printf("  base %s x utilisation %.3f (%.0f%% hired) x tiers %.2f, -%.1f%% for duration, -%.1f%% as a %s "
                    + "customer%n", Format.amount(b.basePerDeviceHour()), b.utilisationMultiplier(), 100 * b.utilisation(),
                    b.tierMultiplier(), b.durationDiscountPercent(), b.customerDiscountPercent(), b.customerTier());
            out.println("  quote " + quote.quoteId() + ", valid until " + quote.expiresAt()
                    + " (corral deploy ... --quote " + quote.quoteId() + ")");
        }
    }

    @Command(name = "deploy", mixinStandardHelpOptions = true,
            description = "Deploy a cluster: holds price x hours in escrow, places it, runs the image (or the command) "
                    + "on every rank.")
    static final class Deploy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Shape shape;
        @Option(names = "--type", description = "Runtime: " + Runtimes.CONTAINER + " (the default; needs --image) or "
                + Runtimes.PROCESS + " (a plain process, on devices whose owners allow it).")
        String type;
        @Option(names = "--image", description = "Container image every rank runs, e.g. pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime.")
        String image;
        @Option(names = "--cmd", description = "Shell command every rank runs (in a container, instead of the image's own); "
                + "it sees CORRAL_RANK, CORRAL_WORLD_SIZE, CORRAL_HEAD_ADDR, CORRAL_PEERS, CORRAL_CLUSTER_ID.")
        String cmd;
        @Option(names = "--entrypoint", description = "Replace the image's entrypoint with this program.")
        String entrypoint;
        @Option(names = "--env", description = "Extra environment variable NAME=VALUE (repeatable).")
        Map<String, String> env = new LinkedHashMap<>();
        @Option(names = "--secret-env", description = "Environment variable NAME=VALUE only the container sees, never "
                + "shown in any view or log (repeatable).")
        Map<String, String> secretEnv = new LinkedHashMap<>();
        @Option(names = "--port", description = "A port the container serves, N or N/tcp or N/udp, published on the "
                + "supplier's host (repeatable).")
        List<String> ports = new ArrayList<>();
        @Option(names = "--registry-auth", paramLabel = "USER:TOKEN", defaultValue = "${env:CORRAL_REGISTRY_AUTH}",
                description = "Credentials of the image's registry, for a private image (env CORRAL_REGISTRY_AUTH, "
                        + "which keeps them out of the process list); kept sealed, shown nowhere, given only to the "
                        + "engine that pulls it.")
        String registryAuth;
        @Option(names = "--disk", paramLabel = "GB", description = "Disk each rank may fill, in GB: placed only on "
                + "devices with that much free; a rank that writes more is stopped.")
        Long diskGb;
        @Option(names = "--ssh-key", paramLabel = "FILE", description = "An SSH public key (such as "
                + "~/.ssh/id_ed25519.pub) that may log in to every rank (repeatable): the image's SSH server (dropbear, "
                + "or OpenSSH) starts with it on port 22, published like --port; then 'corral ssh CLUSTER'.")
        List<Path> sshKeys = new ArrayList<>();
        @Option(names = "--shm-size", description = "Shared memory for the container, e.g. 2g (the engine's default is 64m).")
        String shmSize;
        @Option(names = "--name", description = "A name for the cluster.")
        String name;
        @Option(names = "--idempotency-key", description = "Repeat the same key to be sure a retried deploy makes one cluster.")
        String idempotencyKey;
        @Option(names = "--no-wait", description = "Return at once instead of waiting until the cluster runs.")
        boolean noWait;
        @Option(names = "--pay", defaultValue = "USD", description = "Currency to pay in: USD or IOSD (default ${DEFAULT-VALUE}).")
        String pay;
        @Option(names = "--layout", defaultValue = "any", description = "any (best-scored devices), pack (one region, "
                + "few suppliers: for tightly coupled training) or spread (many suppliers: for resilience); "
                + "default ${DEFAULT-VALUE}.")
        String layout;
        @Option(names = "--quote", description = "Pay the price of this quote (from 'corral quote'), if it has not "
                + "expired and was for the same request.")
        String quoteId;
        @Option(names = "--framework", description = "torch: every rank gets torchrun's variables (MASTER_ADDR, "
                + "MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE...) from the cluster's head.")
        String framework;
        @Option(names = "--on-device-loss", defaultValue = "replace", description = "replace or fail: a lost device's "
                + "rank moves to another idle device that meets the request, at the same price; when none is found "
                + "in time, the cluster goes on short of it and keeps looking (replace) or fails (fail). "
                + "Default ${DEFAULT-VALUE}.")
        String onDeviceLoss;
        @Option(names = "--restart", defaultValue = "never", description = "never, on-failure or on-failure:N: start "
                + "a rank's failed program again on its device (its container as it was left), at most N times "
                + "(on-failure alone: 5), after a pause doubling from 1 s to at most 30 s. Default ${DEFAULT-VALUE}.")
        String restart;

        @Override
        public Integer call() throws InterruptedException {
            ContainerSpec.RegistryAuth auth = null;
            if (registryAuth != null) {
                auth = ContainerSpec.RegistryAuth.parse(registryAuth).orElseThrow(() -> new ParameterException(
                        spec.commandLine(), "--registry-auth takes USER:TOKEN"));
            }
            CorralClient client = options.client();
            List<String> keys = new ArrayList<>();
            for (Path key : sshKeys) {
                try {
                    keys.addAll(Files.readAllLines(key).stream().filter(line -> !line.isBlank()).toList());
                } catch (IOException e) {
                    throw new ParameterException(spec.commandLine(), "--ssh-key: cannot read " + key + ": "
                            + e.getMessage());
                }
            }
            ContainerSpec container = image == null && entrypoint == null && secretEnv.isEmpty() && ports.isEmpty()
                    && shmSize == null && auth == null && diskGb == null && keys.isEmpty() ? null
                    : new ContainerSpec(image, entrypoint, ports, secretEnv, shmSize, auth, diskGb, keys);
            ClusterView cluster = client.deploy(shape.request(name, type, cmd, env, pay, layout, quoteId, container)
                    .withFramework(framework).withRecovery(onDeviceLoss, restart), idempotencyKey);
            PrintWriter out = spec.commandLine().getOut();
            if (options.printedJson(out, cluster)) {
                return 0;
            }
            out.println("cluster " + cluster.clusterId() + ": " + cluster.count() + " devices placed, "
                    + Format.amount(cluster.escrowHeld()) + " held in escrow");
            out.flush();
            if (noWait) {
                return 0;
            }
            ClusterView last = waitForProgress(client, cluster, out, false);
            return "FAILED".equals(last.state()) ? 1 : 0;
        }
    }

    /**
     * Polls the cluster (without its ranks' list, which a large cluster makes heavy) and prints
     * each change (ranks started, state) until it runs or ends, or until it ends; then returns
     * the cluster with its ranks.
     */
    static ClusterView waitForProgress(CorralClient client, ClusterView first, PrintWriter out, boolean untilEnd)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT_MAX);
        String lastState = null;
        long lastStarted = -1;
        ImagePull lastPull = null;
        ClusterView cluster = first;
        while (Instant.now().isBefore(deadline)) {
            cluster = client.clusterSummary(first.clusterId());
            long started = cluster.ranksStarted();
            if (started != lastStarted) {
                out.println("  " + started + "/" + cluster.count() + " ranks started");
                lastStarted = started;
            }
            if (cluster.pulling() != null && !cluster.pulling().equals(lastPull)) {
                out.println("  " + ClusterView.PULLING + " " + pulled(cluster.pulling()));
            }
            lastPull = cluster.pulling();
            if (!cluster.state().equals(lastState)) {
                out.println("  state " + cluster.state() + (cluster.reason() == null ? "" : ": " + cluster.reason()));
                lastState = cluster.state();
            }
            out.flush();
            boolean ended = cluster.endedAt() != null;
            if (ended || (!untilEnd && "RUNNING".equals(cluster.state()))) {
                return client.cluster(first.clusterId());
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        out.println("  still " + cluster.state() + " after " + WAIT_MAX.toMinutes() + " minutes; check with 'corral cluster "
                + cluster.clusterId() + "'");
        return cluster;
    }

    /** A command of one line as it is; a script as its first line and how many lines it has ('--json' shows it all). */
    static String shortened(String cmd) {
        List<String> lines = cmd.strip().lines().toList();
        return lines.size() <= 1 ? cmd : lines.getFirst() + " ... (" + lines.size() + " lines)";
    }

    /** "12.0 MB of 40.5 MB on 2 ranks": how far an image pull has got. */
    static String pulled(ImagePull pull) {
        return Format.bytes(pull.bytesDone()) + " of " + (pull.bytesTotal() == 0 ? "?" : Format.bytes(pull.bytesTotal()))
                + (pull.ranks() == 1 ? "" : " on " + pull.ranks() + " ranks");
    }

    @Command(name = "clusters", mixinStandardHelpOptions = true, description = "List your clusters, newest first.")
    static final class ListClusters extends ClientCommand<List<ClusterView>> {
        @Override
        List<ClusterView> fetch(CorralClient client) {
            return client.clusters();
        }

        @Override
        void print(PrintWriter out, List<ClusterView> clusters) {
            out.printf("%-25s %-11s %-14s %-6s %-6s %-16s %s%n", "CLUSTER", "STATE", "DEVICES", "HOURS", "TYPE",
                    "CHARGED", "NAME");
            for (ClusterView c : clusters) {
                out.printf("%-25s %-11s %-14s %-6d %-6s %-16s %s%n", c.clusterId(), c.state(),
                        c.count() + "x " + (c.gpuModel() == null ? "CPU" : c.gpuModel()), c.hours(), c.type(),
                        Format.amount(c.charged()), c.name());
            }
        }
    }

    @Command(name = "cluster", mixinStandardHelpOptions = true, description = "Show one cluster: state, ranks, money.")
    static final class Show extends ClientCommand<ClusterView> {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        ClusterView fetch(CorralClient client) {
            return client.cluster(id);
        }

        @Override
        void print(PrintWriter out, ClusterView cluster) {
            ClusterCommands.print(out, cluster);
        }
    }

    static void print(PrintWriter out, ClusterView c) {
        out.println("cluster    " + c.clusterId() + " (" + c.name() + ")");
        out.println("state      " + c.state() + (c.reason() == null ? "" : ": " + c.reason()));
        out.println("devices    " + c.count() + "x " + (c.gpuModel() == null ? "CPU" : c.gpusPerDevice() + "x " + c.gpuModel())
                + (c.region() == null ? "" : " in " + c.region()) + ", " + c.hours() + " h at "
                + Format.amount(c.pricePerDeviceHour()) + " per device-hour");
        if (c.container() != null) {
            out.println("image      " + c.container().image()
                    + (c.container().ports() == null || c.container().ports().isEmpty() ? ""
                            : ", ports " + String.join(" ", c.container().ports()))
                    + (c.container().secretEnv() == null || c.container().secretEnv().isEmpty() ? ""
                            : ", secrets " + String.join(" ", c.container().secretEnv().keySet()))
                    + (c.container().registryAuth() == null ? "" : ", registry credentials given")
                    + (c.container().diskGb() == null ? "" : ", disk " + c.container().diskGb() + " GB per rank"));
        }
        out.println("command    " + (c.cmd() == null ? "(the image's own)" : shortened(c.cmd())));
        out.println("recovery   " + (c.framework() == null ? "" : "framework " + c.framework() + ", ")
                + "on device loss " + c.onDeviceLoss() + ", restart " + c.restart());
        out.println("escrow     " + Format.amount(c.escrowHeld()) + " held, " + Format.amount(c.charged()) + " charged, "
                + Format.amount(c.refunded()) + " refunded");
        out.println("times      created " + c.createdAt() + (c.runningAt() == null ? "" : ", running " + c.runningAt())
                + (c.expiresAt() == null ? "" : ", expires " + c.expiresAt())
                + (c.endedAt() == null ? "" : ", ended " + c.endedAt()));
        for (ClusterView.RankView r : c.ranks()) {
            out.println("  rank " + r.rank() + " on " + r.deviceId() + ": " + r.state()
                    + (r.pull() == null ? "" : " " + pulled(r.pull()))
                    + (r.exitCode() == null ? "" : " (exit " + r.exitCode() + ")")
                    + (r.restarts() == 0 ? "" : ", " + r.restarts() + " restarts (last: " + r.lastFailure() + ")")
                    + (r.endpoints().isEmpty() ? "" : ", " + String.join(", ", r.endpoints().stream()
                            .map(e -> e.port() + " at " + e.address()).toList())));
        }
        for (ClusterView.Replacement lost : c.replacements()) {
            out.println("  lost     rank " + lost.rank() + " on " + lost.lostDeviceId() + ", last seen "
                    + lost.lastSeenAt() + (lost.replacedBy() == null ? ": waiting for a device to take it"
                            : ": taken over by " + lost.replacedBy()));
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print what a cluster's ranks printed.")
    static final class Logs extends ClientCommand<LogView> {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--rank", description = "Only this rank.")
        Integer rank;

        @Override
        LogView fetch(CorralClient client) {
            return client.logs(id, rank);
        }

        @Override
        void print(PrintWriter out, LogView logs) {
            for (LogView.LogLine line : logs.lines()) {
                out.println("[" + line.rank() + "] " + line.line());
            }
            if (logs.truncated()) {
                out.println("(more lines stored; this is the first part)");
            }
        }
    }

    @Command(name = "extend", mixinStandardHelpOptions = true, description = "Add hours to a cluster; the extra price is held in escrow now.")
    static final class Extend extends ClientCommand<ClusterView> {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--hours", required = true)
        int hours;
        @Option(names = "--idempotency-key", description = "Repeat the same key to be sure a retried extension counts once.")
        String idempotencyKey;

        @Override
        ClusterView fetch(CorralClient client) {
            return client.extend(id, hours, idempotencyKey);
        }

        @Override
        void print(PrintWriter out, ClusterView cluster) {
            out.println("cluster " + cluster.clusterId() + " now runs " + cluster.hours() + " h"
                    + (cluster.expiresAt() == null ? "" : ", until " + cluster.expiresAt()) + "; escrow "
                    + Format.amount(cluster.escrowHeld()));
        }
    }

    @Command(name = "terminate", mixinStandardHelpOptions = true,
            description = "Stop a cluster now; suppliers are paid for the time served, the rest is refunded to the second.")
    static final class Terminate extends ClientCommand<ClusterView> {
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        ClusterView fetch(CorralClient client) {
            return client.terminate(id);
        }

        @Override
        void print(PrintWriter out, ClusterView cluster) {
            out.println("cluster " + cluster.clusterId() + " " + cluster.state() + ": charged "
                    + Format.amount(cluster.charged()) + ", refunded " + Format.amount(cluster.refunded()));
        }
    }
}
