package dev.corral.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SshAccessTest {
    @Test
    void theClientLogsInAtTheRanksPublishedPortKeepingItsHostKeysApart() {
        assertThat(SshAccess.argv("10.0.0.7:42022", "root", Optional.of(Path.of("/k/id_ed25519")),
                Path.of("/h/.corral/ssh_known_hosts"), List.of("nvidia-smi", "-L")))
                .containsExactly("ssh", "-p", "42022", "-o", "StrictHostKeyChecking=accept-new",
                        "-o", "UserKnownHostsFile=/h/.corral/ssh_known_hosts", "-i", "/k/id_ed25519",
                        "-o", "IdentitiesOnly=yes", "root@10.0.0.7", "--", "nvidia-smi", "-L");
        assertThat(SshAccess.argv("[fd00::7]:22", "trainer", Optional.empty(), Path.of("kh"), List.of()))
                .containsExactly("ssh", "-p", "22", "-o", "StrictHostKeyChecking=accept-new",
                        "-o", "UserKnownHostsFile=kh", "trainer@fd00::7");
    }
}
