package dev.corral.agent;

import dev.corral.core.DeviceId;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.KeyFile;
import dev.corral.core.auth.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.Optional;

/**
 * The device's Ed25519 key pair and, once registered, its id, kept in the agent's data
 * directory. The private key file is readable by its owner only (0600); it never leaves the machine.
 */
public final class DeviceIdentity {
    static final String KEY_FILE = "device.key";
    static final String ID_FILE = "device.id";

    private final Path directory;
    private final KeyPair keys;
    /** The private key with its public key derived once: it signs every request. */
    private final Signatures.Signer signer;

    private DeviceIdentity(Path directory, KeyPair keys) {
        this.directory = directory;
        this.keys = keys;
        this.signer = Signatures.signer(keys.getPrivate());
    }

    /** Loads the key from the directory, or creates one there on first use. */
    public static DeviceIdentity loadOrCreate(Path directory) {
        return new DeviceIdentity(directory, KeyFile.loadOrCreate(directory.resolve(KEY_FILE)));
    }

    Signatures.Signer signer() {
        return signer;
    }

    public String publicKeyText() {
        return AgentSignature.encodePublicKey(keys.getPublic());
    }

    Optional<DeviceId> deviceId() {
        Path file = directory.resolve(ID_FILE);
        try {
            return Files.exists(file) ? Optional.of(new DeviceId(Files.readString(file).trim())) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    void saveDeviceId(DeviceId id) {
        try {
            Path temp = directory.resolve(ID_FILE + ".tmp");
            Files.writeString(temp, id.value(), StandardCharsets.UTF_8);
            Files.move(temp, directory.resolve(ID_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the device id in " + directory, e);
        }
    }
}
