package dev.corral.agent;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.protocol.RankPulling;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker Engine API on this machine (Docker Engine, or Podman's compatible service) over
 * its unix socket, through docker-java: what the agent asks of it to run ranks in containers.
 * Two clients on the same socket: one for commands, whose answers come within
 * {@link #RESPONSE_TIMEOUT}, and one for the streams that stay open as long as a rank runs
 * (its log and its exit), which have no read timeout.
 */
final class ContainerEngine implements Closeable {
    /** How long the image's SSH server may take to start. */
    static final Duration SSH_START_WAIT = Duration.ofSeconds(20);
    /** Installs the keys for the container's user and starts the image's SSH server on port 22. */
    static final String SSH_START = """
            set -e
            home=${HOME:-/root}
            mkdir -p "$home/.ssh"
            chmod 700 "$home/.ssh"
            printf '%s\\n' "$CORRAL_SSH_KEYS" > "$home/.ssh/authorized_keys"
            chmod 600 "$home/.ssh/authorized_keys"
            if command -v dropbear >/dev/null 2>&1; then
              mkdir -p /etc/dropbear
              dropbear -R -p 22
            elif [ -x /usr/sbin/sshd ]; then
              mkdir -p /run/sshd
              ssh-keygen -A >/dev/null
              /usr/sbin/sshd -p 22
            else
              echo "the image has no SSH server: bring dropbear (or OpenSSH's sshd) to log in to its ranks"
              exit 3
            fi
            """;

    /** Where the engine's socket is looked for when none is configured and DOCKER_HOST is not set, in order. */
    static final List<Path> SOCKETS = List.of(Path.of("/var/run/docker.sock"), Path.of("/run/podman/podman.sock"));
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    /** The longest an image pull may take before the rank fails. */
    static final Duration PULL_TIMEOUT = RankPulling.TIME_MAX;
    /** Connections one client keeps to the engine: one per rank's log and exit streams, and commands beside them. */
    static final int CONNECTIONS_MAX = 64;
    /** The registry of an image reference without a host, as credentials for it name it. */
    static final String DOCKER_HUB = "https://index.docker.io/v1/";
    /** The engine's default network for containers: Docker's name, which Podman's service answers to too. */
    static final String DEFAULT_NETWORK = "bridge";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerEngine.class);

    private final URI host;
    private final String description;
    private final DockerClient commands;
    private final DockerClient streams;
    private final Optional<String> gateway;
    /** Images pulled with a cluster's registry credentials since this agent started: never used without a pull. */
    private final Set<String> pulledWithCredentials = ConcurrentHashMap.newKeySet();

    private ContainerEngine(URI host, String description, DockerClient commands, DockerClient streams,
            Optional<String> gateway) {
        this.host = host;
        this.description = description;
        this.commands = commands;
        this.streams = streams;
        this.gateway = gateway;
    }

    /**
     * The engine at the configured socket ({@code unix:///path}), or with none configured at
     * DOCKER_HOST or the first of {@link #SOCKETS} that exists; empty when configured as
     * {@link AgentConfig#NO_CONTAINER_ENGINE}, when there is none, or when it does not answer.
     */
    static Optional<ContainerEngine> detect(String configured) {
        if (AgentConfig.NO_CONTAINER_ENGINE.equals(configured)) {
            return Optional.empty();
        }
        Optional<URI> host = configured != null ? Optional.of(URI.create(configured))
                : Optional.ofNullable(System.getenv("DOCKER_HOST")).filter(h -> h.startsWith("unix://")).map(URI::create)
                        .or(() -> SOCKETS.stream().filter(Files::exists).findFirst()
                                .map(socket -> URI.create("unix://" + socket)));
        if (host.isEmpty()) {
            LOG.info("no container engine found (looked at DOCKER_HOST and {}): ranks run only as processes", SOCKETS);
            return Optional.empty();
        }
        try {
            return Optional.of(connect(host.get()));
        } catch (RuntimeException e) {
            LOG.warn("the container engine at {} does not answer ({}): ranks run only as processes", host.get(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Connects to the engine at this unix socket and asks its version; fails when it does not answer. */
    static ContainerEngine connect(URI host) {
        if (!"unix".equals(host.getScheme())) {
            throw new IllegalArgumentException("the container engine is reached over a unix socket (unix:///path), not "
                    + host);
        }
        DockerClient commands = client(host, RESPONSE_TIMEOUT);
        DockerClient streams = client(host, null);
        try {
            Version version = commands.versionCmd().exec();
            String name = version.getComponents() == null ? "Docker Engine" : version.getComponents().stream()
                    .map(c -> c.getName()).filter(n -> n.toLowerCase(Locale.ROOT).contains("podman")).findFirst()
                    .orElse("Docker Engine");
            return new ContainerEngine(host, name + " " + version.getVersion() + " (API " + version.getApiVersion()
                    + ") at " + host, commands, streams, gateway(commands));
        } catch (RuntimeException e) {
            closeQuietly(commands);
            closeQuietly(streams);
            throw e;
        }
    }

    private static DockerClient client(URI host, Duration responseTimeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString()).withDockerTlsVerify(false).build();
        ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder().dockerHost(host)
                .maxConnections(CONNECTIONS_MAX).connectionTimeout(CONNECT_TIMEOUT);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }

    /** The gateway of the engine's default network: where its containers reach this host. */
    private static Optional<String> gateway(DockerClient commands) {
        try {
            Network network = commands.inspectNetworkCmd().withNetworkId(DEFAULT_NETWORK).exec();
            return network.getIpam() == null || network.getIpam().getConfig() == null ? Optional.empty()
                    : network.getIpam().getConfig().stream().map(Network.Ipam.Config::getGateway)
                            .filter(gateway -> gateway != null && !gateway.isBlank()).findFirst();
        } catch (DockerException e) {
            LOG.info("the engine's network '{}' is not there ({}): containers reach other ranks of this host only by "
                    + "its advertised address", DEFAULT_NETWORK, firstLine(e.getMessage()));
            return Optional.empty();
        }
    }

    /** The directory where the engine keeps its containers' files, when it says and it is on this machine. */
    Optional<Path> storageRoot() {
        try {
            return Optional.ofNullable(commands.infoCmd().exec().getDockerRootDir()).map(Path::of).filter(Files::isDirectory);
        } catch (DockerException e) {
            return Optional.empty();
        }
    }

    /** Where this host is reached from its containers, for an agent advertising this host. */
    ContainerPlan.Reach reach(String advertiseHost) {
        return new ContainerPlan.Reach(advertiseHost, gateway);
    }

    /** The engine and its version, for the agent's log and the device's description. */
    String description() {
        return description;
    }

    URI host() {
        return host;
    }

    /**
     * Starts the rank's container: pulls its image when the engine does not have it (counting
     * the pull's progress in {@code pull}, with the plan's registry credentials if any), creates
     * the container as planned and starts it, and follows its log into {@code outputFile}.
     */
    RankContainer start(ContainerPlan plan, Path outputFile, PullTally pull) throws IOException {
        pullIfMissing(plan.image(), plan.registryAuth(), pull);
        remove(plan.name());
        CreateContainerCmd create = commands.createContainerCmd(plan.image()).withName(plan.name())
                .withLabels(plan.labels()).withEnv(plan.env()).withHostConfig(hostConfig(plan))
                .withExposedPorts(plan.ports().stream().map(ContainerEngine::exposed).toList());
        plan.entrypoint().ifPresent(create::withEntrypoint);
        plan.cmd().ifPresent(create::withCmd);
        String id = create.exec().getId();
        try {
            commands.startContainerCmd(id).exec();
            return RankContainer.follow(this, id, outputFile, plan.diskBytes());
        } catch (RuntimeException | IOException e) {
            remove(plan.name());
            throw e;
        }
    }

    /** The engine's settings for the planned container: its isolation and limits, its ports and its GPUs. */
    static HostConfig hostConfig(ContainerPlan plan) {
        List<PortBinding> bindings = new ArrayList<>();
        for (ContainerPlan.Publish port : plan.ports()) {
            if (plan.publishOn().isEmpty()) {
                bindings.add(new PortBinding(Ports.Binding.bindPort(port.hostPort()), exposed(port)));
            }
            for (String address : plan.publishOn()) {
                bindings.add(new PortBinding(Ports.Binding.bindIpAndPort(address, port.hostPort()), exposed(port)));
            }
        }
        HostConfig config = HostConfig.newHostConfig()
                .withPrivileged(false)
                .withCapDrop(Capability.ALL)
                .withCapAdd(ContainerPlan.CAPABILITIES.stream().map(Capability::valueOf).toArray(Capability[]::new))
                .withSecurityOpts(ContainerPlan.SECURITY_OPTIONS)
                .withPidsLimit(ContainerPlan.PIDS_MAX)
                .withMemory(plan.memoryBytes())
                .withMemorySwap(plan.memoryBytes())
                .withNanoCPUs(plan.nanoCpus())
                .withPortBindings(bindings);
        plan.shmBytes().ifPresent(config::withShmSize);
        if (!plan.gpuIds().isEmpty()) {
            config.withDeviceRequests(List.of(new DeviceRequest().withDriver("nvidia").withDeviceIds(plan.gpuIds())
                    .withCapabilities(List.of(List.of("gpu")))));
        }
        return config;
    }

    private static ExposedPort exposed(ContainerPlan.Publish port) {
        return new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol()));
    }

    private void pullIfMissing(String image, Optional<ContainerSpec.RegistryAuth> auth, PullTally tally)
            throws IOException {
        // An image pulled with credentials is pulled again for every rank (its layers are here, so it is quick),
        // so that the registry checks each cluster's credentials: a cluster without them must not run a private
        // image another customer's pull left on this machine.
        if (auth.isEmpty() && !pulledWithCredentials.contains(image)) {
            try {
                commands.inspectImageCmd(image).exec();
                return;
            } catch (NotFoundException e) {
                // pulled below
            }
        }
        auth.ifPresent(credentials -> pulledWithCredentials.add(image));
        LOG.info("pulling {}{}", image, auth.isPresent() ? " with the cluster's registry credentials" : "");
        tally.start();
        // The engine reports a failed pull in the stream (Podman) or as the answer's status (Docker).
        StringBuilder error = new StringBuilder();
        PullImageCmd command = streams.pullImageCmd(image);
        auth.ifPresent(credentials -> command.withAuthConfig(new AuthConfig().withUsername(credentials.username())
                .withPassword(credentials.token()).withRegistryAddress(registryOf(image))));
        try (ResultCallback.Adapter<PullResponseItem> pull = command
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(PullResponseItem item) {
                        ResponseItem.ProgressDetail detail = item.getProgressDetail();
                        tally.add(item.getId(), item.getStatus(), detail == null ? null : detail.getCurrent(),
                                detail == null ? null : detail.getTotal());
                        if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                            error.append(item.getErrorDetail().getMessage());
                        } else if (item.getError() != null) {
                            error.append(item.getError());
                        }
                    }
                })) {
            if (!pull.awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new ImageUnavailable("pulling " + image + " took longer than " + PULL_TIMEOUT.toMinutes()
                        + " min");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageUnavailable("interrupted while pulling " + image);
        } catch (RuntimeException e) {
            error.append(e.getMessage());
        }
        if (!error.isEmpty()) {
            // Refused even where the engine has the image: the registry said no to this cluster's pull.
            throw new ImageUnavailable(ImageProblem.describe(image, error.toString()));
        }
        try {
            commands.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw new ImageUnavailable(ImageProblem.describe(image,
                    error.isEmpty() ? "the engine does not have it after the pull" : error.toString()));
        }
    }

    /**
     * The registry an image reference names: its first component when that is a host (it has a
     * dot or a port, or is localhost), else Docker Hub, as the engine reads it.
     */
    static String registryOf(String image) {
        int slash = image.indexOf('/');
        String first = slash < 0 ? "" : image.substring(0, slash);
        return !first.isEmpty() && (first.contains(".") || first.contains(":") || first.equals("localhost"))
                ? first : DOCKER_HUB;
    }

    /** The client for streams that stay open as long as a rank runs. */
    DockerClient streams() {
        return streams;
    }

    /** The client for commands answered within {@link #RESPONSE_TIMEOUT}. */
    DockerClient commands() {
        return commands;
    }

    /** Stops the container (SIGTERM, then SIGKILL after the grace period) and removes it with its scratch space. */
    /**
     * Starts the image's SSH server in a running container for its user, with these public
     * keys: dropbear if the image has it, else OpenSSH's sshd (which needs the SYS_CHROOT
     * capability ranks lack, so an image for Corral brings dropbear). Empty once it listens
     * on port 22, else why it does not.
     */
    Optional<String> startSsh(String containerId, List<String> keys) throws InterruptedException {
        try {
            String exec = commands.execCreateCmd(containerId).withCmd("sh", "-c", SSH_START)
                    .withEnv(List.of("CORRAL_SSH_KEYS=" + String.join("\n", keys))).withAttachStdout(true)
                    .withAttachStderr(true).exec().getId();
            StringBuilder said = new StringBuilder();
            boolean done = streams.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (said) {
                        said.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }
            }).awaitCompletion(SSH_START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Long code = commands.inspectExecCmd(exec).exec().getExitCodeLong();
            if (done && code != null && code == 0) {
                return Optional.empty();
            }
            synchronized (said) {
                return Optional.of(done ? firstLine(said.toString().strip()) : "the SSH server did not start within "
                        + SSH_START_WAIT.toSeconds() + " s");
            }
        } catch (RuntimeException e) {
            return Optional.of("cannot start the SSH server: " + firstLine(e.getMessage()));
        }
    }

    void stopAndRemove(String idOrName, Duration grace) {
        try {
            commands.stopContainerCmd(idOrName).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
        } catch (NotFoundException e) {
            return;
        } catch (DockerException e) {
            LOG.debug("stopping {}: {}", idOrName, e.getMessage());
        }
        remove(idOrName);
    }

    /** Removes the container, running or not, with its anonymous volumes; nothing when there is none. */
    void remove(String idOrName) {
        try {
            commands.removeContainerCmd(idOrName).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        }
    }

    /** This device's rank containers, running or not, as labelled when they were made. */
    List<Container> ranksOf(String device) {
        return commands.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerPlan.LABEL_DEVICE, device)).exec();
    }

    @Override
    public void close() {
        closeQuietly(commands);
        closeQuietly(streams);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.debug("closing the container engine's client: {}", e.getMessage());
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return "no reason given";
        }
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }

    /** The rank's image is not on this machine and cannot be pulled: the rank cannot run here. */
    static final class ImageUnavailable extends IOException {
        ImageUnavailable(String message) {
            super(message);
        }
    }
}
