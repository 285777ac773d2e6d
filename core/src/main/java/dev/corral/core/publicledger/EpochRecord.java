package dev.corral.core.publicledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corral.core.auth.Signatures;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * What the coordinator publishes when it closes an hourly epoch: the journal's head at that
 * moment, the block's emission, the IO supply figures, and the root of the tree over every
 * non-zero balance, signed with the coordinator's Ed25519 key. Anyone who replays the
 * journal can check each figure.
 */
public record EpochRecord(
        long epoch,
        long startsAtMillis,
        long endsAtMillis,
        long journalSeq,
        String journalHead,
        long blockEmission,
        long minted,
        long burned,
        long supply,
        String balanceRoot,
        int balances,
        String signature) {
    /** The most records one page of the public epochs holds. */
    public static final int PAGE_MAX = 1_000;

    /** The exact text that is signed: every field but the signature. */
    public String canonical() {
        return String.join("\n", "corral-epoch-v1", Long.toString(epoch), Long.toString(startsAtMillis),
                Long.toString(endsAtMillis), Long.toString(journalSeq), journalHead, Long.toString(blockEmission),
                Long.toString(minted), Long.toString(burned), Long.toString(supply), balanceRoot,
                Integer.toString(balances));
    }

    public EpochRecord signedWith(PrivateKey key) {
        return new EpochRecord(epoch, startsAtMillis, endsAtMillis, journalSeq, journalHead, blockEmission, minted,
                burned, supply, balanceRoot, balances, Base64.getEncoder().encodeToString(
                        Signatures.sign(key, canonical().getBytes(UTF_8))));
    }

    public boolean signatureValid(PublicKey key) {
        try {
            return signature != null && Signatures.verify(key, canonical().getBytes(UTF_8),
                    Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
