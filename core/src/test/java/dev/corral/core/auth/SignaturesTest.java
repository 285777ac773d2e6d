package dev.corral.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
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

    @Test
    void aKeyDecodedOnceChecksEverySignatureAsTheKeyItselfDoes() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signatures.Verifier verifier = Signatures.verifier(keys.getPublic()).orElseThrow();
        for (int i = 0; i < 20; i++) {
            byte[] message = (new String(MESSAGE, StandardCharsets.UTF_8) + i).getBytes(StandardCharsets.UTF_8);
            byte[] signature = Signatures.sign(keys.getPrivate(), message);
            assertThat(verifier.verify(message, signature)).isTrue();
            signature[i] ^= 1;
            assertThat(verifier.verify(message, signature)).isFalse();
            assertThat(Signatures.verify(keys.getPublic(), message, signature)).isFalse();
        }
        assertThat(verifier.verify(MESSAGE, null)).isFalse();
        assertThat(Signatures.verifier(KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic())).isEmpty();
    }

    @Test
    void aKeyThatIsNoPointOnTheCurveHasNoVerifier() throws Exception {
        byte[] encoded = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        // y = 2^255 - 18, one past the field's prime 2^255 - 19: not a coordinate any point has
        Arrays.fill(encoded, encoded.length - 32, encoded.length, (byte) 0xff);
        encoded[encoded.length - 32] = (byte) 0xee;
        encoded[encoded.length - 1] = (byte) 0x7f;
        PublicKey notAPoint = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));

        assertThat(Signatures.verifier(notAPoint)).isEmpty();
        assertThat(Signatures.verify(notAPoint, MESSAGE, new byte[Signatures.SIGNATURE_BYTES])).isFalse();
    }
}
