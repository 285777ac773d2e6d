package dev.corral.server.http;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Sha256;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.AnswerSignature;
import dev.corral.core.auth.Signatures;
import dev.corral.core.protocol.CoordinatorIdentity;
import dev.corral.server.Refusal;
import dev.corral.server.network.BandwidthService;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.util.Base64;

/**
 * The coordinator's word to its agents: its identity (its key, and the TLS certificate that key
 * vouches for), and its signature on every answer to a signed agent request, refusals included
 * ({@link AnswerSignature}). An agent acts on nothing else.
 */
public final class AgentAnswers {
    private final Signatures.Signer signer;
    private final String publicKey;
    private final String tlsCertificateSha256;

    public AgentAnswers(Signatures.Signer signer, PublicKey publicKey, String tlsCertificateSha256) {
        this.signer = requireNonNull(signer, "signer is null");
        this.publicKey = AgentSignature.encodePublicKey(publicKey);
        this.tlsCertificateSha256 = tlsCertificateSha256;
    }

    /** The coordinator's identity, signed with the agent's fresh nonce so that it cannot be replayed. */
    CoordinatorIdentity identity(String nonce) {
        if (nonce == null || !CoordinatorIdentity.NONCE.matcher(nonce).matches()) {
            throw Refusal.invalid("nonce must be 32 lower-case hex digits");
        }
        return new CoordinatorIdentity(publicKey, tlsCertificateSha256, Base64.getEncoder().encodeToString(
                signer.sign(CoordinatorIdentity.signedText(nonce, tlsCertificateSha256))));
    }

    /**
     * Signs the answer about to go out, over the nonce of the request it answers (a request
     * without one, such as the identity's, is left unsigned). Runs after the route and the
     * error mapping, so refusals are signed too.
     */
    void sign(Context ctx) {
        String nonce = ctx.header(AgentSignature.HEADER_NONCE);
        if (nonce == null) {
            return;
        }
        String query = ctx.queryString();
        AnswerSignature.Request request = new AnswerSignature.Request(ctx.method().name(),
                ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query), nonce);
        String probe = ctx.res().getHeader(BandwidthService.HEADER_PROBE);
        String signed = probe != null ? Sha256.hex(probe) : Sha256.hex(body(ctx));
        ctx.header(AnswerSignature.HEADER, AnswerSignature.sign(signer, request, ctx.statusCode(), signed));
    }

    /** The answer's body, read and put back (the routes answer with bytes held in memory). */
    private static byte[] body(Context ctx) {
        InputStream result = ctx.resultInputStream();
        if (result == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = result.readAllBytes();
            ctx.result(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the answer to sign it", e);
        }
    }
}
