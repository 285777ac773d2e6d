package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.e2e.TestNetwork;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.ServerTrust;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * People reach a coordinator that serves HTTPS with the certificate it made: the CLI trusts it
 * on first use and pins it, refuses another one later with what to do, and takes a pinned
 * fingerprint or a CA file instead; the SDK says what to do when no CA signed the certificate.
 */
class ServerTrustTest {
    @TempDir
    Path directory;
    TestNetwork network;
    String server;
    String fingerprint;
    Path known;

    @BeforeEach
    void start() {
        network = TestNetwork.overHttps(TestNetwork.Store.H2, directory.resolve("network"));
        server = network.url.toString();
        fingerprint = network.certificateSha256().orElseThrow();
        known = directory.resolve("known-coordinators");
    }

    @AfterEach
    void stop() {
        network.close();
    }

    Run corral(String... args) {
        return Run.corral(args);
    }

    @Test
    void theFirstCertificateIsPinnedAndAnotherIsRefusedWithWhatToDo() throws Exception {
        Run first = corral("network", "--server", server, "--known-coordinators", known.toString());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("trusting the coordinator at " + server + " on first use")
                .contains(ServerTrust.display(fingerprint));
        assertThat(Files.readString(known)).contains(network.url.getHost() + ":" + network.url.getPort() + " " + fingerprint);

        Run again = corral("network", "--server", server, "--known-coordinators", known.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.err()).as("no notice once pinned").isEmpty();

        // The pin no longer matches what the server presents: a replaced certificate, or someone in between.
        String other = "ab".repeat(32);
        Files.writeString(known, Files.readString(known).replace(fingerprint, other));
        Run changed = corral("network", "--server", server, "--known-coordinators", known.toString());
        assertThat(changed.exit()).isEqualTo(1);
        assertThat(changed.err()).contains("presented a certificate with SHA-256 " + ServerTrust.display(fingerprint))
                .contains("the one pinned in " + known + " is " + ServerTrust.display(other))
                .contains("--fingerprint " + fingerprint).contains("nothing was sent");

        // A line for the host that is not a pin is an error, never a reason to trust anew.
        Files.writeString(known, network.url.getHost() + ":" + network.url.getPort() + " not-a-fingerprint\n");
        Run malformed = corral("network", "--server", server, "--known-coordinators", known.toString());
        assertThat(malformed.exit()).isEqualTo(1);
        assertThat(malformed.err()).contains("fix it or delete it");

        // The person checked the fingerprint with the operator: giving it pins it again.
        Run confirmed = corral("network", "--server", server, "--known-coordinators", known.toString(),
                "--fingerprint", ServerTrust.display(fingerprint));
        assertThat(confirmed.exit()).as(confirmed.err()).isZero();
        assertThat(corral("network", "--server", server, "--known-coordinators", known.toString()).exit()).isZero();
    }

    @Test
    void aGivenFingerprintOrCaFileIsHeldTo() throws Exception {
        Run wrong = corral("network", "--server", server, "--known-coordinators", known.toString(),
                "--fingerprint", "cd".repeat(32));
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("but the one given is");

        // The coordinator's own certificate as the CA: checked as a CA's would be, host name included.
        Files.createDirectories(directory.resolve("other"));
        Files.writeString(directory.resolve("other/tls.crt"), "not a certificate");
        Path certificate = directory.resolve("network/coordinator/tls.crt");
        Run viaCa = corral("network", "--server", server, "--ca-file", certificate.toString());
        assertThat(viaCa.exit()).as(viaCa.err()).isZero();
        Run otherCa = corral("network", "--server", server, "--ca-file",
                directory.resolve("network/coordinator/tls.crt").toString().replace("network/coordinator", "other"));
        assertThat(otherCa.exit()).isEqualTo(1);
        assertThat(otherCa.err()).startsWith("error: cannot use the CA file");
    }

    @Test
    void theSdkWithTheJdksCasSaysWhatToDoWithACoordinatorsOwnCertificate() {
        assertThatThrownBy(() -> new CorralClient(network.url, null).networkStats())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("its TLS certificate was refused")
                .hasMessageContaining("pin the fingerprint 'corral server' printed (--fingerprint)");
        assertThat(new CorralClient(network.url, null, ServerTrust.pinned(fingerprint)).networkStats()).isNotNull();
    }
}
