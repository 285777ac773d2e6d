package dev.corral.server.web;

import dev.corral.core.publicledger.EpochRecord;
import dev.corral.server.tokens.EpochService;

/**
 * The Explorer's export of the blocks: one line per closed epoch, every field of its signed
 * record (amounts in IO base units, times in epoch milliseconds), so a spreadsheet holds the
 * same figures as the epochs API and a signature can be checked from a line.
 */
public final class BlocksCsv {
    public static final String HEADER = "epoch,starts_at_ms,ends_at_ms,journal_seq,journal_head,block_emission,minted,"
            + "burned,supply,balance_root,balances,signature\n";

    public static final String DEVICES_HEADER = "epoch,device,seconds_online,proven,weight_milli,challenges_passed,"
            + "challenges_failed,reward\n";

    private BlocksCsv() {}

    /** One device of a block: pseudonym, seconds online, proven, weight (thousandths), challenges, reward in base units. */
    public static String deviceRow(long epoch, EpochService.BlockDevice d) {
        return epoch + "," + d.device() + "," + d.uptimeMillis() / 1000 + "," + d.proven() + "," + d.weightMilli() + ","
                + d.challengesPassed() + "," + d.challengesFailed() + "," + d.reward() + "\n";
    }

    /** One record's line; none of its fields holds a comma, a quote or a line break (numbers, hex and base64). */
    public static String row(EpochRecord r) {
        return r.epoch() + "," + r.startsAtMillis() + "," + r.endsAtMillis() + "," + r.journalSeq() + ","
                + r.journalHead() + "," + r.blockEmission() + "," + r.minted() + "," + r.burned() + "," + r.supply()
                + "," + r.balanceRoot() + "," + r.balances() + "," + r.signature() + "\n";
    }
}
