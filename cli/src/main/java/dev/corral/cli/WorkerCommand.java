package dev.corral.cli;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `corral worker`: runs the worker agent on this machine until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run the worker agent: join this machine's GPUs (or its CPU) to a coordinator and run cluster ranks.")
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, description = "Coordinator URL (https://...). The device trusts only the "
            + "coordinator whose key its join token names, and keeps that key in its data directory.")
    URI server;

    @Option(names = "--join-token", description = "One-time token from 'corral device join-token'; needed on the first start only.")
    String joinToken;

    @Option(names = "--data", defaultValue = "corral-worker", description = "Where the device key and id are kept (default ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--region", description = "Region this device is in (lower case, e.g. eu-west).")
    String region;

    @Option(names = "--advertise-host", defaultValue = AgentConfig.ADVERTISE_HOST_DEFAULT,
            description = "Address other ranks reach this machine at: its address on the network its other devices "
                    + "share (default ${DEFAULT-VALUE}, for agents all on one machine).")
    String advertiseHost;

    @Option(names = "--allow-process-runtime",
            description = "Run cluster commands as plain child processes of the agent. Only for trusted set-ups and tests.")
    boolean allowProcessRuntime;

    @Option(names = "--heartbeat-interval", defaultValue = "5", description = "Seconds between heartbeats (default ${DEFAULT-VALUE}).")
    long heartbeatSeconds;

    @Option(names = "--bandwidth-probe-hours", defaultValue = "24", description = "Hours between measurements of "
            + "the link to the coordinator (at start, 5 minutes later, then every H hours; they set the connectivity "
            + "tier), 0 for never (default ${DEFAULT-VALUE}).")
    long bandwidthProbeHours;

    @Option(names = "--nvidia-smi", defaultValue = "nvidia-smi", description = "The nvidia-smi command to query GPUs with (default ${DEFAULT-VALUE}).")
    String nvidiaSmi;

    @Option(names = "--container-engine", description = "The Docker Engine API socket ranks' containers run through, "
            + "unix:///path; by default DOCKER_HOST, else /var/run/docker.sock, else /run/podman/podman.sock; "
            + "'" + AgentConfig.NO_CONTAINER_ENGINE + "' for no containers.")
    String containerEngine;

    @Override
    public Integer call() throws Exception {
        AgentConfig config = AgentConfig.of(server, joinToken, data, allowProcessRuntime).withRegion(region)
                .withAdvertiseHost(advertiseHost).withHeartbeatInterval(Duration.ofSeconds(heartbeatSeconds))
                .withNvidiaSmi(nvidiaSmi).withBandwidthProbeInterval(Duration.ofHours(bandwidthProbeHours))
                .withContainerEngine(containerEngine).withWatchdog(true);
        WorkerAgent.keepConnectionsFor(1);
        WorkerAgent agent = WorkerAgent.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
        List<String> runtimes = agent.rankRuntimes();
        spec.commandLine().getOut().println("device " + agent.deviceId() + " (" + agent.hardware().describe()
                + ") is serving " + server + (runtimes.isEmpty()
                        ? " (no container engine and no --allow-process-runtime: it will not be placed)"
                        : " running ranks as " + String.join(" and ", runtimes)));
        spec.commandLine().getOut().flush();
        agent.awaitClose();
        return 0;
    }
}
