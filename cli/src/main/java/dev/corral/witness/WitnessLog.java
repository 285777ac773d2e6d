package dev.corral.witness;

import dev.corral.core.publicledger.EpochRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a witness kept, and the two decisions about it: whether a record the coordinator serves
 * now is new, the same as the one kept, or a different one for an epoch already kept (history
 * rewritten); and where a coordinator's published history first departs from what was kept.
 */
public final class WitnessLog {
    /** What a record the coordinator serves is, against what was kept. */
    public enum Verdict { NEW, SAME, DIFFERENT }

    private final Map<Long, WitnessedEpoch> kept = new TreeMap<>();

    public synchronized Verdict judge(EpochRecord served) {
        WitnessedEpoch known = kept.get(served.epoch());
        if (known == null) {
            return Verdict.NEW;
        }
        return same(known.record(), served) ? Verdict.SAME : Verdict.DIFFERENT;
    }

    public synchronized void keep(WitnessedEpoch witnessed) {
        if (kept.putIfAbsent(witnessed.record().epoch(), witnessed) != null) {
            throw new IllegalStateException("epoch " + witnessed.record().epoch() + " is kept already");
        }
    }

    public synchronized List<WitnessedEpoch> from(long firstEpoch, int limit) {
        List<WitnessedEpoch> page = new ArrayList<>();
        for (WitnessedEpoch witnessed : ((TreeMap<Long, WitnessedEpoch>) kept).tailMap(firstEpoch).values()) {
            if (page.size() == limit) {
                break;
            }
            page.add(witnessed);
        }
        return page;
    }

    public synchronized int size() {
        return kept.size();
    }

    /** The same record: every signed field and the signature. */
    static boolean same(EpochRecord a, EpochRecord b) {
        return a.canonical().equals(b.canonical()) && Objects.equals(a.signature(), b.signature());
    }

    /**
     * Where a coordinator's history departs from what a witness kept: the first kept epoch whose
     * record the coordinator no longer serves, or serves otherwise. Empty when every kept record
     * is served unchanged. The witness's records must be read before the coordinator's, so that
     * these include every epoch the witness had seen.
     */
    public static Optional<String> departure(List<WitnessedEpoch> kept, List<EpochRecord> served) {
        Map<Long, EpochRecord> byEpoch = new TreeMap<>();
        served.forEach(record -> byEpoch.put(record.epoch(), record));
        for (WitnessedEpoch witnessed : kept) {
            EpochRecord now = byEpoch.get(witnessed.record().epoch());
            if (now == null) {
                return Optional.of("epoch " + witnessed.record().epoch() + ": the coordinator no longer serves the "
                        + "record the witness kept");
            }
            if (!same(witnessed.record(), now)) {
                return Optional.of("epoch " + witnessed.record().epoch() + ": the coordinator's record differs from the "
                        + "one the witness kept (journal head " + witnessed.record().journalHead() + " then, "
                        + now.journalHead() + " now): history was rewritten after the witness saw it");
            }
        }
        return Optional.empty();
    }
}
