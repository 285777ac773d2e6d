package dev.corral.witness;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.corral.core.Json;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.auth.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads what a witness kept, for {@code corral ledger verify --witness URL}. */
public final class WitnessClient {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final TypeReference<List<WitnessedEpoch>> EPOCHS = new TypeReference<>() {};

    /** A witness's key, the coordinator key it watches, and every record it kept. */
    public record Kept(PublicKey witnessKey, String coordinatorKey, List<WitnessedEpoch> epochs) {
        public String witnessFingerprint() {
            return CoordinatorKey.fingerprint(witnessKey);
        }

        /** The first kept record whose witness signature does not verify, if any. */
        public Optional<String> badSignature() {
            Optional<Signatures.Verifier> verifier = Signatures.verifier(witnessKey);
            for (WitnessedEpoch witnessed : epochs) {
                boolean valid = verifier.isPresent() && witnessed.witnessSignature() != null
                        && AgentSignature.verify(verifier.get(), WitnessedEpoch.signedText(coordinatorKey,
                                witnessed.record()), witnessed.witnessSignature());
                if (!valid) {
                    return Optional.of("epoch " + witnessed.record().epoch() + ": the witness's signature does not match "
                            + "the record it serves");
                }
            }
            return Optional.empty();
        }
    }

    private WitnessClient() {}

    public static Kept fetch(URI witness) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Witness.KeyView key = get(http, witness, Witness.KEY_PATH, new TypeReference<>() {});
        List<WitnessedEpoch> all = new ArrayList<>();
        for (List<WitnessedEpoch> page = get(http, witness, Witness.EPOCHS_PATH + "?from=0", EPOCHS); !page.isEmpty();
                page = page.size() < WitnessedEpoch.PAGE_MAX ? List.of()
                        : get(http, witness, Witness.EPOCHS_PATH + "?from=" + (page.getLast().record().epoch() + 1),
                                EPOCHS)) {
            all.addAll(page);
        }
        return new Kept(AgentSignature.decodePublicKey(key.publicKey()), key.coordinatorKey(), all);
    }

    private static <T> T get(HttpClient http, URI witness, String path, TypeReference<T> type) {
        try {
            HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(witness.resolve(path)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200) {
                String message = "the witness at " + witness + " answered " + answer.statusCode() + " to " + path;
                throw new UncheckedIOException(message, new IOException(message));
            }
            return Json.mapper().readValue(answer.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the witness at " + witness + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the witness at " + witness, e);
        }
    }
}
