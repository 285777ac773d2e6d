package dev.corral.server.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.ContainerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretSealTest {
    @TempDir
    Path directory;

    @Test
    void aSpecsSecretsAreSealedWithAFreshNonceAndOpenToTheSameValues() {
        SecretSeal seal = SecretSeal.loadOrCreate(directory.resolve(SecretSeal.KEY_FILE));
        ContainerSpec spec = new ContainerSpec("busybox", null, null, Map.of("TOKEN", "s3cret"), null,
                new ContainerSpec.RegistryAuth("alice", "registry-token"));

        ContainerSpec sealed = seal.seal(spec);

        assertThat(sealed.image()).isEqualTo("busybox");
        assertThat(sealed.secretEnv().get("TOKEN")).startsWith(SecretSeal.PREFIX).doesNotContain("s3cret");
        assertThat(sealed.registryAuth().token()).startsWith(SecretSeal.PREFIX);
        assertThat(sealed.registryAuth().username()).startsWith(SecretSeal.PREFIX);
        assertThat(seal.seal("s3cret")).isNotEqualTo(seal.seal("s3cret"));
        assertThat(seal.open(sealed)).isEqualTo(spec);
    }

    @Test
    void theKeyIsMadeOnceReadableByItsOwnerOnlyAndAnotherKeyCannotOpen() throws Exception {
        Path file = directory.resolve(SecretSeal.KEY_FILE);
        String sealed = SecretSeal.loadOrCreate(file).seal("s3cret");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SecretSeal.loadOrCreate(file).open(sealed)).isEqualTo("s3cret");
        SecretSeal other = SecretSeal.loadOrCreate(directory.resolve("other").resolve(SecretSeal.KEY_FILE));
        assertThatThrownBy(() -> other.open(sealed)).hasMessageContaining("does not open");
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> SecretSeal.loadOrCreate(file).open(tampered)).hasMessageContaining("does not open");
    }

    @Test
    void aValueStoredBeforeSecretsWereSealedOpensAsItself() {
        assertThat(SecretSeal.loadOrCreate(directory.resolve(SecretSeal.KEY_FILE)).open("plain")).isEqualTo("plain");
    }
}
