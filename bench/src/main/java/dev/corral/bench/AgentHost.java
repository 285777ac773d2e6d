package dev.corral.bench;

import dev.corral.agent.AgentConfig;
import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.DeployRequest;
import dev.corral.sdk.CorralClient;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * `corral bench agents`: many real worker agents in one process, each joining with its own
 * join token from the supplier whose API key is in {@link #API_KEY_VARIABLE}, for `corral bench
 * deploy`. Runs until its standard input closes, then stops its agents.
 */
@Command(name = "agents", mixinStandardHelpOptions = true,
        description = "Run many worker agents in this process for `corral bench deploy`, joining as the supplier whose "
                + "API key is in CORRAL_BENCH_API_KEY; they stop when standard input closes.")
final class AgentHost implements Callable<Integer> {
    static final String API_KEY_VARIABLE = "CORRAL_BENCH_API_KEY";
    /** No GPU readings: the agents are CPU devices. */
    static final String NO_NVIDIA_SMI = "/nonexistent/nvidia-smi";

    @Spec
    CommandSpec spec;
    @Option(names = "--server", required = true, description = "The coordinator's URL.")
    URI server;
    @Option(names = "--count", required = true, description = "Agents to run, 1..10,000.")
    int count;
    @Option(names = "--data", required = true, description = "A directory for the agents' keys and work.")
    Path data;
    @Option(names = "--heartbeat-interval", defaultValue = "15", description = "Seconds between each agent's heartbeats.")
    long heartbeatSeconds;

    /** Runs the agents in a JVM of their own, as `corral bench deploy` starts them. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentHost()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > DeployRequest.COUNT_MAX) {
            throw new IllegalArgumentException("--count must be 1.." + DeployRequest.COUNT_MAX);
        }
        if (heartbeatSeconds < 1) {
            throw new IllegalArgumentException("--heartbeat-interval must be at least 1 second");
        }
        String apiKey = System.getenv(API_KEY_VARIABLE);
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException(API_KEY_VARIABLE + " must hold the supplier's API key");
        }
        CorralClient supplier = new CorralClient(server, apiKey);
        List<WorkerAgent> agents = new ArrayList<>(count);
        WorkerAgent.keepConnectionsFor(count);
        try {
            for (int i = 0; i < count; i++) {
                agents.add(WorkerAgent.start(AgentConfig.of(server, supplier.joinToken().token(),
                        data.resolve("agent-" + i), true).withHeartbeatInterval(Duration.ofSeconds(heartbeatSeconds))
                        .withBandwidthProbeInterval(Duration.ZERO)
                        .withNvidiaSmi(NO_NVIDIA_SMI).withContainerEngine(AgentConfig.NO_CONTAINER_ENGINE)));
            }
            spec.commandLine().getOut().println(count + " agents started; close standard input to stop them");
            spec.commandLine().getOut().flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        } finally {
            try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
                agents.forEach(agent -> closing.submit(agent::close));
            }
        }
        return 0;
    }
}
