package dev.corral.agent;

import dev.corral.core.DeviceId;
import dev.corral.core.auth.AgentSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The device's Ed25519 key pair and, once registered, its id, kept in the agent's data
 * directory. The private key file is readable by its owner only (0600); it never leaves the machine.
 */
final class DeviceIdentity {
    static final String KEY_FILE = "device.key";
    static final String ID_FILE = "device.id";

    private final Path directory;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DeviceIdentity(Path directory, PrivateKey privateKey, PublicKey publicKey) {
        this.directory = directory;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Loads the key from the directory, or creates one there on first use. */
    static DeviceIdentity loadOrCreate(Path directory) {
        try {
            Files.createDirectories(directory);
            Path keyFile = directory.resolve(KEY_FILE);
            if (Files.exists(keyFile)) {
                byte[] encoded = Base64.getDecoder().decode(Files.readString(keyFile).trim());
                PrivateKey privateKey = KeyFactory.getInstance(AgentSignature.ALGORITHM)
                        .generatePrivate(new PKCS8EncodedKeySpec(encoded));
                Path publicFile = directory.resolve(KEY_FILE + ".pub");
                PublicKey publicKey = AgentSignature.decodePublicKey(Files.readString(publicFile).trim());
                return new DeviceIdentity(directory, privateKey, publicKey);
            }
            KeyPair pair = KeyPairGenerator.getInstance(AgentSignature.ALGORITHM).generateKeyPair();
            writePrivate(keyFile, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
            Files.writeString(directory.resolve(KEY_FILE + ".pub"), AgentSignature.encodePublicKey(pair.getPublic()));
            return new DeviceIdentity(directory, pair.getPrivate(), pair.getPublic());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the device key in " + directory, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the device key in " + directory + " is unreadable; move it away to make a new one",
                    e);
        }
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    String publicKeyText() {
        return AgentSignature.encodePublicKey(publicKey);
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

    private static void writePrivate(Path file, String content) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
