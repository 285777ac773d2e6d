package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import dev.corral.core.api.ContainerSpec;
import dev.corral.core.protocol.Assignment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The container one rank runs in, decided from its assignment and the device's offer before
 * anything is asked of the engine. Pure.
 *
 * <p>Isolated by default: not privileged; every capability dropped but {@link #CAPABILITIES};
 * no new privileges; the engine's default seccomp profile (none is named, so the engine's
 * applies); at most {@link #PIDS_MAX} processes; memory and CPUs no more than the device offers;
 * its own network namespace with only the declared ports published; nothing of the supplier's
 * disks mounted (its scratch space is its own layer, removed with it, and no bigger than the
 * cluster's disk where it asks for one); and of the host's GPUs exactly those of the device.
 */
record ContainerPlan(String name, String image, Optional<String> entrypoint, Optional<List<String>> cmd,
        List<String> env, Map<String, String> labels, long memoryBytes, long nanoCpus, Optional<Long> shmBytes,
        List<Publish> ports, List<String> publishOn, List<String> gpuIds,
        Optional<ContainerSpec.RegistryAuth> registryAuth, Optional<Long> diskBytes) {
    /** The capabilities a rank keeps, of the engine's default set: what a program's own set-up as root needs. */
    static final List<String> CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID",
            "SETUID", "NET_BIND_SERVICE");
    /** Security options on every rank: no process in it gains privileges it was not started with (setuid files). */
    static final List<String> SECURITY_OPTIONS = List.of("no-new-privileges");
    /** The most processes and threads one rank may have at once: a fork bomb stops here. */
    static final long PIDS_MAX = 4_096;
    /** Labels that find a rank's container again after the agent restarts. */
    static final String LABEL_DEVICE = "dev.corral.device";
    static final String LABEL_CLUSTER = "dev.corral.cluster";
    static final String LABEL_RANK = "dev.corral.rank";
    static final String NAME_PREFIX = "corral-";
    /** The address the head rank reaches itself at, inside its container. */
    static final String HEAD_SELF = "127.0.0.1";
    /** A cluster's disk is asked for in GB of 10^9 bytes, as devices offer theirs. */
    static final long BYTES_PER_GB = 1_000_000_000L;

    ContainerPlan {
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
        publishOn = List.copyOf(publishOn);
        gpuIds = List.copyOf(gpuIds);
        requireNonNull(registryAuth, "registryAuth is null");
        requireNonNull(diskBytes, "diskBytes is null");
    }

    /** What a log may show of the plan: its environment's names, not their values (some are secrets). */
    @Override
    public String toString() {
        return "ContainerPlan[name=" + name + ", image=" + image + ", env names="
                + env.stream().map(variable -> variable.substring(0, variable.indexOf('='))).toList() + ", ports="
                + ports + ", gpus=" + gpuIds + ", registryAuth=" + registryAuth.map(auth -> "(secret)").orElse("none")
                + "]";
    }

    /** A port of the host published to a port of the container. */
    record Publish(int hostPort, int containerPort, String protocol) {}

    /**
     * Where this host is reached: the host its agent advertises to the network (an address or
     * a name), and the engine's gateway on its containers' network, the address by which a
     * container reaches this host (empty when the engine has none to give).
     */
    record Reach(String advertiseHost, Optional<String> gateway) {
        private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:]+]?");

        Reach {
            requireNonNull(advertiseHost, "advertiseHost is null");
            requireNonNull(gateway, "gateway is null");
        }

        /**
         * The addresses of this host that ports are published on: the advertised one when it is
         * an address (a name: every interface), and for a loopback one also the engine's
         * gateway, where this host's other containers reach it.
         */
        List<String> publishOn() {
            if (!IP_LITERAL.matcher(advertiseHost).matches()) {
                return List.of();
            }
            return loopback(advertiseHost) && gateway.isPresent() ? List.of(advertiseHost, gateway.get())
                    : List.of(advertiseHost);
        }

        /**
         * An address ({@code host:port}, or a host) as a container on this host must use it: a
         * loopback host is this machine, which a container reaches at the engine's gateway
         * (its own loopback is its own); any other is as given.
         */
        String fromContainer(String address) {
            if (gateway.isEmpty() || address == null) {
                return address;
            }
            int split = address.startsWith("[") ? address.indexOf(']') + 1
                    : address.indexOf(':') > 0 && address.indexOf(':') == address.lastIndexOf(':') ? address.indexOf(':')
                    : address.length();
            String port = address.substring(split);
            if (!loopback(address.substring(0, split))) {
                return address;
            }
            return (port.isEmpty() || !gateway.get().contains(":") ? gateway.get() : "[" + gateway.get() + "]") + port;
        }

        private static boolean loopback(String host) {
            return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
        }
    }

    /** What the device offers a rank: its memory, its CPU cores and the indexes of its GPUs. */
    record DeviceLimits(long memoryMb, int cpuCores, List<String> gpuIds) {
        DeviceLimits {
            gpuIds = List.copyOf(gpuIds);
        }
    }

    /**
     * The container for this rank of this device. {@code headPort}: for rank 0, the port of
     * the supplier's host its peers reach it on, published to the same port in the container
     * and given to it as {@code CORRAL_HEAD_PORT} (its head address is its own loopback at that
     * port); {@code portsOnHost}: a free host port for
     * each declared port, in order.
     */
    static ContainerPlan of(String device, Assignment assignment, String headAddr, Optional<Integer> headPort,
            List<Integer> portsOnHost, DeviceLimits limits, Reach reach) {
        ContainerSpec spec = requireNonNull(assignment.container(), "not a container assignment");
        List<ContainerSpec.Port> declared = spec.declaredPorts();
        if (portsOnHost.size() != declared.size()) {
            throw new IllegalArgumentException(declared.size() + " ports declared, " + portsOnHost.size() + " given");
        }
        Map<String, String> variables = new LinkedHashMap<>(assignment.env());
        if (spec.secretEnv() != null) {
            variables.putAll(spec.secretEnv());
        }
        // The head reaches itself on its own loopback, where its port has the number it is published at: the
        // engine's gateway does not carry a container's connections back into itself.
        variables.putAll(assignment.corralEnv(headPort.map(port -> HEAD_SELF + ":" + port)
                .orElseGet(() -> reach.fromContainer(headAddr))));
        variables.put("CORRAL_PEERS", String.join(",", assignment.peers().stream().map(reach::fromContainer).toList()));
        List<Publish> ports = new ArrayList<>();
        headPort.ifPresent(port -> {
            variables.put("CORRAL_HEAD_PORT", Integer.toString(port));
            ports.add(new Publish(port, port, "tcp"));
        });
        for (int i = 0; i < declared.size(); i++) {
            ports.add(new Publish(portsOnHost.get(i), declared.get(i).number(), declared.get(i).protocol()));
        }
        List<String> env = variables.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        Optional<List<String>> cmd = Optional.ofNullable(assignment.cmd()).map(ShellCommand::argv);
        return new ContainerPlan(name(assignment.clusterId(), assignment.rank()), spec.image(),
                Optional.ofNullable(spec.entrypoint()), cmd, env,
                Map.of(LABEL_DEVICE, device, LABEL_CLUSTER, assignment.clusterId(),
                        LABEL_RANK, Integer.toString(assignment.rank())),
                limits.memoryMb() << 20, limits.cpuCores() * 1_000_000_000L, spec.shmBytes(), ports, reach.publishOn(),
                limits.gpuIds(), Optional.ofNullable(spec.registryAuth()),
                Optional.ofNullable(spec.diskGb()).map(gb -> gb * BYTES_PER_GB));
    }

    /** The container's name: one per rank, so a second start of the same rank finds the first. */
    static String name(String cluster, int rank) {
        return NAME_PREFIX + cluster + "-" + rank;
    }
}
