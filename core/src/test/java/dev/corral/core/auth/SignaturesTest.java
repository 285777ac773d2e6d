package dev.corral.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SignaturesTest {
    private static final byte[] MESSAGE = "CORRAL-AGENT-V1\nPOST\n/agent/v1/heartbeat".getBytes(StandardCharsets.UTF_8);

    @Test
    void signaturesAgreeWithTheJdksInBothDirections() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(keys.getPrivate());
        jdk.update(MESSAGE);
        byte[] byJdk = jdk.sign();
        assertThat(Signatures.verify(keys.getPublic(), MESSAGE, byJdk)).isTrue();

        byte[] ours = Signatures.sign(keys.getPrivate(), MESSAGE);
        assertThat(ours).isEqualTo(byJdk); // Ed25519 is deterministic
        Signature check = Signature.getInstance("Ed25519");
        check.initVerify(keys.getPublic());
        check.update(MESSAGE);
        assertThat(check.verify(ours)).isTrue();
    }

    @Test
    void tamperedMessagesOtherKeysAndMisSizedSignaturesFail() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] signature = Signatures.sign(keys.getPrivate(), MESSAGE);
        byte[] tampered = MESSAGE.clone();
        tampered[0] ^= 1;
        assertThat(Signatures.verify(keys.getPublic(), tampered, signature)).isFalse();
        assertThat(Signatures.verify(other.getPublic(), MESSAGE, signature)).isFalse();
        assertThat(Signatures.verify(keys.getPublic(), MESSAGE, Arrays.copyOf(signature, 63))).isFalse();
        assertThat(Signatures.verify(keys.getPublic(), MESSAGE, null)).isFalse();
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertThat(Signatures.verify(rsa.getPublic(), MESSAGE, signature)).isFalse();
    }
}
