package dev.corral.core.api;

import dev.corral.core.HardwareSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container rank runs: the image, optionally its entrypoint replaced, the ports it
 * serves ("8080" or "8080/tcp", "53/udp"), environment variables only the container sees
 * (secrets: never shown in any view or log), and the size of its shared memory ("1g", "512m";
 * PyTorch's data loaders need more than the engine's 64 MiB), the credentials that pull the
 * image from a private registry (as secret as the secrets), and the disk each rank may fill in
 * GB (placed only on devices with that much free; a rank that writes more is stopped), and the
 * SSH public keys that may log in to each rank (its port 22 is then published, and the agent
 * starts the image's SSH server, dropbear or OpenSSH, with them). The cluster's {@code cmd} and
 * {@code env} apply as for every runtime; a container cluster may leave {@code cmd} out to run
 * the image's own command.
 */
public record ContainerSpec(String image, String entrypoint, List<String> ports, Map<String, String> secretEnv,
        String shmSize, RegistryAuth registryAuth, Long diskGb, List<String> sshKeys) {
    public static final int IMAGE_LENGTH_MAX = 255;
    public static final int ENTRYPOINT_LENGTH_MAX = 1024;
    public static final int PORTS_MAX = 16;
    public static final int SECRETS_MAX = 32;
    public static final int SECRET_VALUE_LENGTH_MAX = 8192;
    public static final long SHM_BYTES_MAX = 64L << 30;
    public static final int REGISTRY_USERNAME_LENGTH_MAX = 256;
    public static final int REGISTRY_TOKEN_LENGTH_MAX = 8192;
    public static final int SSH_KEYS_MAX = 16;
    /** The port an SSH server listens on in a rank that has SSH keys. */
    public static final Port SSH_PORT = new Port(22, "tcp");
    /** What a view shows in place of a secret's value. */
    public static final String HIDDEN = "(secret)";
    /**
     * A reference as Docker's distribution library reads it: an optional registry host (with
     * a port), path components of lower-case letters and digits joined by '.', '_', '__' or
     * '-', then an optional tag and an optional sha256 digest.
     */
    private static final Pattern IMAGE = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)?"
                    + "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*"
                    + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:/(tcp|udp))?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** An OpenSSH public key line: its type, its base64 body and an optional comment. */
    private static final Pattern SSH_KEY = Pattern.compile("(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)"
            + "|sk-ssh-ed25519@openssh\\.com|sk-ecdsa-sha2-nistp256@openssh\\.com) [A-Za-z0-9+/]{16,16384}={0,2}"
            + "(?: [\\x20-\\x7e]{1,256})?");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([kmg]?)b?", Pattern.CASE_INSENSITIVE);

    /** A spec that pulls its image without credentials. */
    public ContainerSpec(String image, String entrypoint, List<String> ports, Map<String, String> secretEnv,
            String shmSize) {
        this(image, entrypoint, ports, secretEnv, shmSize, null, null);
    }

    /** A spec with no SSH keys. */
    public ContainerSpec(String image, String entrypoint, List<String> ports, Map<String, String> secretEnv,
            String shmSize, RegistryAuth registryAuth, Long diskGb) {
        this(image, entrypoint, ports, secretEnv, shmSize, registryAuth, diskGb, null);
    }

    /** The same spec with these SSH public keys. */
    public ContainerSpec withSshKeys(List<String> keys) {
        return new ContainerSpec(image, entrypoint, ports, secretEnv, shmSize, registryAuth, diskGb, keys);
    }

    /** A spec that asks for no disk beyond what the device has. */
    public ContainerSpec(String image, String entrypoint, List<String> ports, Map<String, String> secretEnv,
            String shmSize, RegistryAuth registryAuth) {
        this(image, entrypoint, ports, secretEnv, shmSize, registryAuth, null);
    }

    /** A user name and a token (or password) of the image's registry. */
    public record RegistryAuth(String username, String token) {
        /** {@code USER:TOKEN}, split at the first colon, as the CLI takes it; empty when there is no colon. */
        public static Optional<RegistryAuth> parse(String text) {
            int colon = text == null ? -1 : text.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new RegistryAuth(text.substring(0, colon), text.substring(colon + 1)));
        }

        @Override
        public String toString() {
            return "RegistryAuth[" + HIDDEN + "]";
        }
    }

    /** One declared port: its number and protocol. */
    public record Port(int number, String protocol) {
        @Override
        public String toString() {
            return number + "/" + protocol;
        }
    }

    /**
     * Why this spec cannot be run, naming the field (as the API spells it), or empty when it can.
     * Pure: the coordinator refuses a deploy with it, the CLI and SDK can check before sending.
     */
    public Optional<String> problem() {
        if (image == null || image.isBlank()) {
            return Optional.of("container.image is required");
        }
        if (image.length() > IMAGE_LENGTH_MAX || !IMAGE.matcher(image).matches()) {
            return Optional.of("container.image '" + shorten(image) + "' is not an image reference (such as "
                    + "'busybox', 'ghcr.io/org/app:1.2' or 'name@sha256:<64 hex digits>')");
        }
        if (entrypoint != null && (entrypoint.isBlank() || entrypoint.length() > ENTRYPOINT_LENGTH_MAX
                || entrypoint.indexOf('\0') >= 0)) {
            return Optional.of("container.entrypoint must be 1.." + ENTRYPOINT_LENGTH_MAX + " characters");
        }
        List<String> declared = ports == null ? List.of() : ports;
        List<String> keys = sshKeys == null ? List.of() : sshKeys;
        if (keys.size() > SSH_KEYS_MAX) {
            return Optional.of("container.sshKeys: at most " + SSH_KEYS_MAX + " keys");
        }
        for (String key : keys) {
            if (key == null || !SSH_KEY.matcher(key.strip()).matches()) {
                return Optional.of("container.sshKeys: '" + shorten(String.valueOf(key)) + "' is not an SSH public key "
                        + "line (such as the one in ~/.ssh/id_ed25519.pub)");
            }
        }
        if (declared.size() + (keys.isEmpty() ? 0 : 1) > PORTS_MAX) {
            return Optional.of("container.ports: at most " + PORTS_MAX + " ports");
        }
        List<Port> seen = new ArrayList<>();
        for (String text : declared) {
            Optional<Port> port = port(text);
            if (port.isEmpty()) {
                return Optional.of("container.ports: '" + shorten(String.valueOf(text))
                        + "' is not a port (1-65535, optionally /tcp or /udp)");
            }
            if (seen.contains(port.get())) {
                return Optional.of("container.ports: " + port.get() + " is declared twice");
            }
            seen.add(port.get());
        }
        Map<String, String> secrets = secretEnv == null ? Map.of() : secretEnv;
        if (secrets.size() > SECRETS_MAX) {
            return Optional.of("container.secretEnv: at most " + SECRETS_MAX + " variables");
        }
        for (Map.Entry<String, String> entry : secrets.entrySet()) {
            if (entry.getKey() == null || !NAME.matcher(entry.getKey()).matches() || entry.getKey().startsWith("CORRAL_")) {
                return Optional.of("container.secretEnv: '" + shorten(String.valueOf(entry.getKey()))
                        + "' is not a variable name, or is reserved (CORRAL_ is ours)");
            }
            if (entry.getValue() == null || entry.getValue().length() > SECRET_VALUE_LENGTH_MAX) {
                return Optional.of("container.secretEnv: " + entry.getKey() + " must have a value of at most "
                        + SECRET_VALUE_LENGTH_MAX + " characters");
            }
        }
        if (registryAuth != null && (!printable(registryAuth.username(), REGISTRY_USERNAME_LENGTH_MAX)
                || registryAuth.username().indexOf(':') >= 0
                || !printable(registryAuth.token(), REGISTRY_TOKEN_LENGTH_MAX))) {
            return Optional.of("container.registryAuth needs a username (1.." + REGISTRY_USERNAME_LENGTH_MAX
                    + " characters, no ':') and a token (1.." + REGISTRY_TOKEN_LENGTH_MAX + " characters)");
        }
        if (diskGb != null && (diskGb < 1 || diskGb > HardwareSpec.DISK_GB_MAX)) {
            return Optional.of("container.diskGb must be 1.." + HardwareSpec.DISK_GB_MAX);
        }
        if (shmSize != null && shmBytes().isEmpty()) {
            return Optional.of("container.shmSize must be a size such as '512m' or '2g', at most "
                    + (SHM_BYTES_MAX >> 30) + "g");
        }
        return Optional.empty();
    }

    /**
     * The declared ports, parsed, and {@link #SSH_PORT} when SSH keys are given; call only on a
     * spec without a {@link #problem()}.
     */
    public List<Port> declaredPorts() {
        List<Port> declared = new ArrayList<>(ports == null ? List.of()
                : ports.stream().map(p -> port(p).orElseThrow()).toList());
        if (sshKeys != null && !sshKeys.isEmpty() && !declared.contains(SSH_PORT)) {
            declared.add(SSH_PORT);
        }
        return List.copyOf(declared);
    }

    /** The SSH public keys that may log in, one per line, trimmed; empty when none are given. */
    public List<String> sshKeyLines() {
        return sshKeys == null ? List.of() : sshKeys.stream().map(String::strip).toList();
    }

    /** The shared memory size in bytes, when one is asked for and valid. */
    public Optional<Long> shmBytes() {
        if (shmSize == null) {
            return Optional.empty();
        }
        Matcher m = SIZE.matcher(shmSize.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long number = Long.parseLong(m.group(1));
        return number > 0 && number <= SHM_BYTES_MAX >> shift ? Optional.of(number << shift) : Optional.empty();
    }

    /** The same spec with its secrets' values and its registry credentials hidden: what views show. */
    public ContainerSpec redacted() {
        return withSecrets(secret -> HIDDEN);
    }

    /**
     * The same spec with every secret (each secret variable's value, the registry's user name and
     * token) passed through {@code change}: sealed for the store, opened for the agent, hidden
     * for a view.
     */
    public ContainerSpec withSecrets(UnaryOperator<String> change) {
        Map<String, String> changed = new LinkedHashMap<>();
        (secretEnv == null ? Map.<String, String>of() : secretEnv).forEach((name, value) -> changed.put(name,
                change.apply(value)));
        RegistryAuth auth = registryAuth == null ? null : new RegistryAuth(
                change.apply(registryAuth.username()), change.apply(registryAuth.token()));
        return new ContainerSpec(image, entrypoint, ports, changed, shmSize, auth, diskGb, sshKeys);
    }

    @Override
    public String toString() {
        ContainerSpec shown = redacted();
        return "ContainerSpec[image=" + image + ", entrypoint=" + entrypoint + ", ports=" + ports + ", secretEnv="
                + shown.secretEnv + ", shmSize=" + shmSize + ", registryAuth=" + shown.registryAuth + ", diskGb=" + diskGb
                + ", sshKeys=" + sshKeys + "]";
    }

    private static boolean printable(String text, int lengthMax) {
        return text != null && !text.isEmpty() && text.length() <= lengthMax
                && text.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f);
    }

    private static Optional<Port> port(String text) {
        Matcher m = text == null ? null : PORT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        int number = Integer.parseInt(m.group(1));
        return number < 1 || number > 65_535 ? Optional.empty()
                : Optional.of(new Port(number, m.group(2) == null ? "tcp" : m.group(2)));
    }

    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
