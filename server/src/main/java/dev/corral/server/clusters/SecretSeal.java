package dev.corral.server.clusters;

import static java.util.Objects.requireNonNull;

import dev.corral.core.api.ContainerSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Customers' secrets (secret environment values, registry credentials) sealed at rest: the store
 * holds them only encrypted with AES-256-GCM under a key kept in the coordinator's data
 * directory (0600, made on first start), and they are opened only to be sent to the agent that
 * runs the rank. A sealed value reads {@code sealed:v1:} and the base64 of a fresh 96-bit nonce
 * and the ciphertext with its tag.
 */
public final class SecretSeal {
    /** The file beside the coordinator's signing key that holds the sealing key. */
    public static final String KEY_FILE = "secrets.key";
    static final String PREFIX = "sealed:v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretSeal(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The seal whose key is in this file, made there (readable by its owner only) if there is none. */
    public static SecretSeal loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] key = Base64.getDecoder().decode(Files.readString(file).strip());
                if (key.length != KEY_BYTES) {
                    throw new IllegalStateException("the sealing key in " + file + " is not " + KEY_BYTES + " bytes");
                }
                return new SecretSeal(key);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] key = new byte[KEY_BYTES];
            RANDOM.nextBytes(key);
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, Base64.getEncoder().encodeToString(key), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return new SecretSeal(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the sealing key in " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the sealing key in " + file + " is not base64", e);
        }
    }

    /** The spec with every secret sealed, for the store. */
    ContainerSpec seal(ContainerSpec spec) {
        return spec == null ? null : spec.withSecrets(this::seal);
    }

    /** The spec with every secret opened, for the agent that runs it. */
    ContainerSpec open(ContainerSpec spec) {
        return spec == null ? null : spec.withSecrets(this::open);
    }

    String seal(String secret) {
        requireNonNull(secret, "secret is null");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The secret in a sealed value; a value stored before secrets were sealed (without the prefix) is itself. */
    String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            return sealed;
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret does not open with this coordinator's sealing key ("
                    + KEY_FILE + " was replaced?)", e);
        }
    }
}
