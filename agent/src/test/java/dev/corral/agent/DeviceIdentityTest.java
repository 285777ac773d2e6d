package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceIdentityTest {
    @Test
    void theKeyIsMadeOnceKeptPrivateAndLoadedAgain(@TempDir Path dir) throws Exception {
        DeviceIdentity first = DeviceIdentity.loadOrCreate(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(DeviceIdentity.KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(first.deviceId()).isEmpty();
        DeviceId id = DeviceId.random();
        first.saveDeviceId(id);

        DeviceIdentity again = DeviceIdentity.loadOrCreate(dir);
        assertThat(again.publicKeyText()).isEqualTo(first.publicKeyText());
        byte[] message = "the same key signs alike".getBytes(StandardCharsets.UTF_8);
        assertThat(again.signer().sign(message)).as("Ed25519 is deterministic: the same private key")
                .isEqualTo(first.signer().sign(message));
        assertThat(again.deviceId()).contains(id);
    }
}
