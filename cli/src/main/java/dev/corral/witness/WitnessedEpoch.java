package dev.corral.witness;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corral.core.publicledger.EpochRecord;

/**
 * An epoch record as a witness kept it: the record the coordinator served (its signature
 * included), when the witness first saw it, and the witness's own Ed25519 signature over
 * {@link #signedText}: the coordinator's key, the record's signing text and its signature.
 */
public record WitnessedEpoch(EpochRecord record, long seenAtMillis, String witnessSignature) {
    /** The most records one page of a witness's epochs holds, as the coordinator's. */
    public static final int PAGE_MAX = EpochRecord.PAGE_MAX;

    /** What the witness signs: that the coordinator with this key published this record, signed so. */
    public static byte[] signedText(String coordinatorKey, EpochRecord record) {
        return String.join("\n", "corral-witness-v1", coordinatorKey, record.canonical(), record.signature())
                .getBytes(UTF_8);
    }
}
