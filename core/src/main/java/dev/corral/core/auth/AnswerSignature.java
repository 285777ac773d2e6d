package dev.corral.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Base64;

/**
 * The coordinator's signature on every answer to an agent: Ed25519 by the coordinator's key
 * over the nonce of the request it answers, the status and the SHA-256 of the body. The nonce
 * was chosen and signed by the device, so an answer fits one request only: a proxy can neither
 * change an answer nor hand one request's answer to another. A bandwidth probe's body is filler:
 * its answer is signed over the probe's id instead.
 */
public final class AnswerSignature {
    public static final String HEADER = "X-Corral-Answer-Signature";
    private static final String DOMAIN = "CORRAL-ANSWER-V1";

    private AnswerSignature() {}

    public static byte[] canonical(String requestNonce, int status, String bodySha256) {
        return String.join("\n", DOMAIN, requestNonce, Integer.toString(status), bodySha256).getBytes(UTF_8);
    }

    public static String sign(Signatures.Signer coordinator, String requestNonce, int status, String bodySha256) {
        return Base64.getEncoder().encodeToString(coordinator.sign(canonical(requestNonce, status, bodySha256)));
    }

    public static boolean verify(Signatures.Verifier coordinator, String requestNonce, int status, String bodySha256,
            String signatureBase64) {
        return signatureBase64 != null
                && AgentSignature.verify(coordinator, canonical(requestNonce, status, bodySha256), signatureBase64);
    }
}
