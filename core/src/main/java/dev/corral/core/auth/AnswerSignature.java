package dev.corral.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Base64;

/**
 * The coordinator's signature on every answer to an agent: Ed25519 by the coordinator's key
 * over the method, path and nonce of the request it answers (as the coordinator received them),
 * the status and the SHA-256 of the body. The nonce was chosen by the device, so an answer fits
 * one request only: a proxy can neither change an answer nor hand the answer to one request
 * (its own, made with a copied nonce, say) to another. A bandwidth probe's body is filler: its
 * answer is signed over the probe's id instead.
 */
public final class AnswerSignature {
    public static final String HEADER = "X-Corral-Answer-Signature";
    private static final String DOMAIN = "CORRAL-ANSWER-V1";

    private AnswerSignature() {}

    /** The request an answer is for: as the device signed it and the coordinator received it. */
    public record Request(String method, String pathAndQuery, String nonce) {}

    public static byte[] canonical(Request request, int status, String bodySha256) {
        return String.join("\n", DOMAIN, request.method(), request.pathAndQuery(), request.nonce(),
                Integer.toString(status), bodySha256).getBytes(UTF_8);
    }

    public static String sign(Signatures.Signer coordinator, Request request, int status, String bodySha256) {
        return Base64.getEncoder().encodeToString(coordinator.sign(canonical(request, status, bodySha256)));
    }

    public static boolean verify(Signatures.Verifier coordinator, Request request, int status, String bodySha256,
            String signatureBase64) {
        return signatureBase64 != null
                && AgentSignature.verify(coordinator, canonical(request, status, bodySha256), signatureBase64);
    }
}
