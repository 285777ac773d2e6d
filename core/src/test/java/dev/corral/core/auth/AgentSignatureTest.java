package dev.corral.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentSignatureTest {
    @Test
    void aSignatureHoldsForExactlyTheRequestItWasMadeFor() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] body = "{\"rank\":0}".getBytes(UTF_8);
        Map<String, String> headers = AgentSignature.sign(pair.getPrivate(), "POST", "/agent/v1/heartbeat",
                "dev_00000000000000000001", body, Instant.ofEpochMilli(1_000));
        long timestamp = Long.parseLong(headers.get(AgentSignature.HEADER_TIMESTAMP));
        String nonce = headers.get(AgentSignature.HEADER_NONCE);
        String signature = headers.get(AgentSignature.HEADER_SIGNATURE);
        Signatures.Verifier key = Signatures.verifier(pair.getPublic()).orElseThrow();

        assertThat(AgentSignature.verify(key, AgentSignature.canonical("POST", "/agent/v1/heartbeat",
                "dev_00000000000000000001", timestamp, nonce, body), signature)).isTrue();
        assertThat(AgentSignature.verify(key, AgentSignature.canonical("POST", "/agent/v1/heartbeat",
                "dev_00000000000000000001", timestamp, nonce, "{\"rank\":1}".getBytes(UTF_8)), signature)).isFalse();
        assertThat(AgentSignature.verify(key, AgentSignature.canonical("POST", "/agent/v1/register",
                "dev_00000000000000000001", timestamp, nonce, body), signature)).isFalse();
        assertThat(AgentSignature.verify(key, AgentSignature.canonical("POST", "/agent/v1/heartbeat",
                "dev_00000000000000000002", timestamp, nonce, body), signature)).isFalse();
        assertThat(AgentSignature.verify(key, AgentSignature.canonical("POST", "/agent/v1/heartbeat",
                "dev_00000000000000000001", timestamp + 1, nonce, body), signature)).isFalse();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThat(AgentSignature.verify(Signatures.verifier(other.getPublic()).orElseThrow(), AgentSignature.canonical("POST", "/agent/v1/heartbeat",
                "dev_00000000000000000001", timestamp, nonce, body), signature)).isFalse();
        assertThat(AgentSignature.verify(key, new byte[0], "not base64!")).isFalse();
    }

    @Test
    void publicKeysRoundTripAndGarbageIsRefused() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThat(AgentSignature.decodePublicKey(AgentSignature.encodePublicKey(pair.getPublic())))
                .isEqualTo(pair.getPublic());
        assertThatThrownBy(() -> AgentSignature.decodePublicKey("AAAA"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
