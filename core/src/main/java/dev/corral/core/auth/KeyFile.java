package dev.corral.core.auth;

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
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * An Ed25519 key pair kept in a file readable by its owner only (0600), with the public key
 * beside it in FILE.pub: made on first use, loaded ever after. The private key never leaves it.
 */
public final class KeyFile {
    private KeyFile() {}

    public static KeyPair loadOrCreate(Path file) {
        Path publicFile = file.resolveSibling(file.getFileName() + ".pub");
        try {
            if (Files.exists(file)) {
                byte[] encoded = Base64.getDecoder().decode(Files.readString(file).trim());
                PrivateKey privateKey = KeyFactory.getInstance(AgentSignature.ALGORITHM)
                        .generatePrivate(new PKCS8EncodedKeySpec(encoded));
                return new KeyPair(AgentSignature.decodePublicKey(Files.readString(publicFile).trim()), privateKey);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            KeyPair pair = KeyPairGenerator.getInstance(AgentSignature.ALGORITHM).generateKeyPair();
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()), StandardCharsets.UTF_8);
            Files.writeString(publicFile, AgentSignature.encodePublicKey(pair.getPublic()));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the key in " + file, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the key in " + file + " is unreadable; move it away to make a new one", e);
        }
    }
}
