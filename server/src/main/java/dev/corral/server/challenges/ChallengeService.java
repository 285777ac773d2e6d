package dev.corral.server.challenges;

import static java.util.Objects.requireNonNull;

import dev.corral.core.DeviceId;
import dev.corral.core.Runtimes;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.ChallengeRows;
import dev.corral.core.protocol.ChallengeWalk;
import dev.corral.core.protocol.OpenedRow;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import dev.corral.proofs.Reputation;
import dev.corral.server.Refusal;
import dev.corral.server.devices.DeviceState;
import dev.corral.server.metrics.Meters;
import dev.corral.store.Challenges;
import dev.corral.store.Database;
import dev.corral.store.DeviceRow;
import dev.corral.store.Devices;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Availability challenges: sent at random times to online devices that are not hired (one for
 * each GPU of a device on the GPU engine), sized and timed for the hardware each device claims.
 * A device commits to the whole product (a GPU also to its walks over a table filling its card's
 * memory, once it said the table is filled and got the walk seed), then opens the rows drawn
 * after the commitment. Each ends PASSED, WRONG, LATE (the device answered after its deadline,
 * or was heard from after it but never answered) or MISSING (silent since before the deadline).
 * An answer is accepted only from the device the challenge was sent to, once, and before its
 * deadline.
 */
public final class ChallengeService {
    static final int ISSUED_PER_SWEEP_MAX = 1_000;
    /** This many wrong answers in a row block a device until its owner asks for re-verification and it passes. */
    static final int WRONG_IN_A_ROW_BLOCKS = 2;
    /**
     * After a wrong answer (not yet a block), or a late or missing one from a device not yet
     * verified, the next challenge comes this soon: a new device whose first answer was late
     * (its coordinator busy with a burst of registrations, say) should not wait the usual random
     * gap to be placed.
     */
    static final Duration RECHECK = Duration.ofMinutes(1);
    private static final Pattern ROOT = Pattern.compile("[0-9a-f]{64}");

    private final Database db;
    private final Devices deviceRows;
    private final Challenges challenges;
    private final DeviceState devices;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Duration meanInterval;
    private final Duration gapMax;
    private final Duration work;
    private final SecureRandom random = new SecureRandom();
    /** The challenges whose opening is being checked now. */
    private final Set<String> checking = ConcurrentHashMap.newKeySet();

    /**
     * @param gapMax the longest gap between two challenges to a device (half an epoch when
     *     availability rewards need a passed challenge in every epoch), or null for none
     */
    public ChallengeService(Database db, Devices deviceRows, Challenges challenges, DeviceState devices,
            MeterRegistry metrics, Clock clock, Duration meanInterval, Duration work, Duration gapMax) {
        this.db = requireNonNull(db, "db is null");
        this.deviceRows = requireNonNull(deviceRows, "deviceRows is null");
        this.challenges = requireNonNull(challenges, "challenges is null");
        this.devices = requireNonNull(devices, "devices is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.meanInterval = requireNonNull(meanInterval, "meanInterval is null");
        this.gapMax = gapMax;
        this.work = requireNonNull(work, "work is null");
    }

    /**
     * Sends a challenge to every device that is due one (one for each GPU of a device on the GPU
     * engine, all with one deadline), and draws when each is due the next.
     */
    public void issueDue() {
        Instant now = clock.instant();
        List<DeviceId> due = db.transaction(c -> challenges.devicesDue(c, now, ISSUED_PER_SWEEP_MAX));
        for (DeviceId device : due) {
            devices.transaction((c, writes) -> {
                DeviceRow row = deviceRows.byId(c, device).orElseThrow();
                boolean cuda = row.runtimes().contains(Runtimes.CUDA);
                ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(row.hardware(), cuda, work);
                for (int gpu = 0; gpu < ChallengePolicy.cardsChallenged(row.hardware(), cuda); gpu++) {
                    challenges.insert(c, new Challenges.Challenge(newId(), device, gpu, random.nextLong(), sizing.size(),
                            sizing.memory(), sizing.walkAllowance(), now, now.plus(sizing.deadline()), null, null, null,
                            null, null, Challenges.ISSUED, null));
                }
                Duration gap = ChallengePolicy.nextGap(meanInterval, random);
                challenges.setNextDue(c, device, now.plus(gapMax == null || gap.compareTo(gapMax) < 0 ? gap
                        : gapMax));
                writes.wake(device);
                return null;
            });
        }
    }

    private String newId() {
        byte[] id = new byte[10];
        random.nextBytes(id);
        return "chl_" + HexFormat.of().formatHex(id);
    }

    /**
     * Ends the challenges nobody answered in time: WRONG with a commitment whose rows were never
     * opened (the device saw which rows were asked, and held them back); LATE without one from a
     * device heard from after the deadline (it is up, but too slow for its claim); MISSING from a
     * device silent since before the deadline. The sweep comes {@link ChallengePolicy#OPEN_GRACE}
     * after the deadline, time for a live device's heartbeat and for opening rows.
     */
    public void expireOverdue() {
        Instant now = clock.instant();
        for (Challenges.Challenge challenge : db.transaction(c ->
                challenges.overdue(c, now.minus(ChallengePolicy.OPEN_GRACE)))) {
            devices.transaction((c, writes) -> {
                boolean heardSince = deviceRows.byId(c, challenge.device())
                        .map(row -> row.lastSeenAt().isAfter(challenge.deadline())).orElse(false);
                boolean silent = challenge.outcome().equals(Challenges.ISSUED) && !heardSince;
                finish(c, writes, challenge, challenge.outcome().equals(Challenges.COMMITTED) ? "WRONG"
                        : silent ? "MISSING" : "LATE", now);
                return null;
            });
        }
    }

    /**
     * A GPU's memory part, first phase: the device says its table is filled. The walk seed is
     * drawn now, and the walks' deadline starts now; after the challenge's deadline the outcome
     * is LATE and no seed is given.
     */
    public ChallengeWalk filled(DeviceId device, String id) {
        Instant now = clock.instant();
        return devices.transaction((c, writes) -> {
            Challenges.Challenge challenge = challenges.lockOwned(c, device, id)
                    .orElseThrow(() -> Refusal.notFound("challenge", id));
            if (challenge.memory() == null) {
                throw Refusal.invalid("challenge " + id + " has no memory part: commit to the product");
            }
            if (!challenge.outcome().equals(Challenges.ISSUED)) {
                throw Refusal.conflict("challenge " + id + " is past its table (" + challenge.outcome() + ")");
            }
            if (now.isAfter(challenge.deadline())) {
                finish(c, writes, challenge, "LATE", now);
                return new ChallengeWalk(null, null);
            }
            long walkSeed = random.nextLong();
            Instant deadline = now.plus(challenge.walkAllowance());
            challenges.filled(c, id, walkSeed, deadline);
            return new ChallengeWalk(walkSeed, deadline);
        });
    }

    /**
     * Takes the device's commitments (to the product, and to its walks when the challenge has a
     * memory part, whose table it said was filled) and answers with the rows it must open, drawn
     * now.
     */
    public ChallengeRows commit(DeviceId device, String id, ChallengeCommit commitment) {
        String root = commitment.root();
        String walkRoot = commitment.walkRoot();
        if (root == null || !ROOT.matcher(root).matches()) {
            throw Refusal.invalid("root must be 64 lower-case hex digits");
        }
        if (walkRoot != null && !ROOT.matcher(walkRoot).matches()) {
            throw Refusal.invalid("walkRoot must be 64 lower-case hex digits");
        }
        Instant now = clock.instant();
        return devices.transaction((c, writes) -> {
            Challenges.Challenge challenge = challenges.lockOwned(c, device, id)
                    .orElseThrow(() -> Refusal.notFound("challenge", id));
            String waiting = challenge.memory() == null ? Challenges.ISSUED : Challenges.FILLED;
            if (challenge.outcome().equals(Challenges.ISSUED) && challenge.memory() != null) {
                throw Refusal.conflict("challenge " + id + " has a memory part: say its table is filled first (POST "
                        + "/agent/v1/challenges/" + id + "/filled)");
            }
            if (!challenge.outcome().equals(waiting)) {
                throw Refusal.conflict("challenge " + id + " was answered already (" + challenge.outcome() + ")");
            }
            if ((challenge.memory() == null) != (walkRoot == null)) {
                throw Refusal.invalid(challenge.memory() == null ? "challenge " + id + " has no memory part: send no walkRoot"
                        : "challenge " + id + " has a memory part: commit to its walks with walkRoot");
            }
            if (now.isAfter(challenge.deadline())) {
                finish(c, writes, challenge, "LATE", now);
                return new ChallengeRows(new int[0], challenge.memory() == null ? null : new int[0]);
            }
            int[] asked = MatrixChallenge.rowsToCheck(new MatrixChallenge.Spec(challenge.seed(), challenge.size()), random);
            int[] walkAsked = challenge.memory() == null ? null
                    : MemoryWalk.rowsToCheck(MemoryWalk.Spec.of(challenge.seed(), challenge.memory()), random);
            challenges.commit(c, id, root, asked, walkRoot, walkAsked);
            return new ChallengeRows(asked, walkAsked);
        });
    }

    /** Checks the opened rows against the commitments: the outcome is PASSED, WRONG or LATE. */
    public Map<String, String> open(DeviceId device, String id, ChallengeOpening opening) {
        if (opening.rows() == null || opening.rows().size() > MatrixChallenge.ROWS_CHECKED) {
            throw Refusal.invalid("open at most " + MatrixChallenge.ROWS_CHECKED + " rows");
        }
        if (opening.walkRows() != null && opening.walkRows().size() > MemoryWalk.ROWS_CHECKED) {
            throw Refusal.invalid("open at most " + MemoryWalk.ROWS_CHECKED + " rows of walkers");
        }
        for (List<OpenedRow> rows : Arrays.asList(opening.rows(), opening.walkRows())) {
            if (rows != null && rows.stream().anyMatch(row -> row == null || row.values() == null || row.proof() == null
                    || row.proof().contains(null))) {
                throw Refusal.invalid("every opened row needs its index, values and proof");
            }
        }
        // Checking a GPU's walks costs up to a few hundred milliseconds of hashing: one check at a time per challenge.
        if (!checking.add(id)) {
            throw Refusal.conflict("challenge " + id + " is being checked");
        }
        try {
            Instant now = clock.instant();
            // The check runs on what was committed, outside the transaction, which then takes the outcome only if the
            // challenge is still waiting for these rows.
            Challenges.Challenge committed = db.transaction(c -> challenges.owned(c, device, id))
                    .orElseThrow(() -> Refusal.notFound("challenge", id));
            requireWaitingForRows(committed);
            boolean inTime = !now.isAfter(committed.deadline().plus(ChallengePolicy.OPEN_GRACE));
            String result = !inTime ? "LATE" : right(committed, opening) ? "PASSED" : "WRONG";
            devices.transaction((c, writes) -> {
                requireWaitingForRows(challenges.lockOwned(c, device, id).orElseThrow(() ->
                        Refusal.notFound("challenge", id)));
                finish(c, writes, committed, result, now);
                return null;
            });
            return Map.of("outcome", result);
        } finally {
            checking.remove(id);
        }
    }

    private static void requireWaitingForRows(Challenges.Challenge challenge) {
        if (!challenge.outcome().equals(Challenges.COMMITTED)) {
            throw Refusal.conflict("challenge " + challenge.id() + " is not waiting for rows (" + challenge.outcome()
                    + ")");
        }
    }

    /** Whether the opened rows prove the product and, with a memory part, the walks. */
    private boolean right(Challenges.Challenge challenge, ChallengeOpening opening) {
        boolean product = MatrixChallenge.verify(new MatrixChallenge.Spec(challenge.seed(), challenge.size()),
                challenge.root(), challenge.rowsAsked(), opening.rows(), random);
        if (!product || challenge.memory() == null) {
            return product;
        }
        return opening.walkRows() != null && MemoryWalk.verify(MemoryWalk.Spec.of(challenge.seed(), challenge.memory()),
                challenge.walkSeed(), challenge.walkRoot(), challenge.walkRowsAsked(), opening.walkRows(), random);
    }

    /**
     * Records an outcome and what it says of the device's reputation, in the caller's transaction.
     * A pass counts (for its reputation, and to verify it) once every challenge sent with it, one
     * for each of its GPUs, has passed; each failure counts on its own.
     */
    private void finish(Connection c, DeviceState.Writes writes, Challenges.Challenge challenge, String outcome,
            Instant now) throws SQLException {
        DeviceId device = challenge.device();
        String id = challenge.id();
        challenges.finish(c, id, outcome, now);
        writes.afterCommit(() -> Meters.challenges(metrics, outcome).increment());
        if (outcome.equals("PASSED") && !challenges.togetherPassed(c, challenge)) {
            return;
        }
        Reputation.Event event = switch (outcome) {
            case "PASSED" -> Reputation.Event.CHALLENGE_PASSED;
            case "WRONG" -> Reputation.Event.CHALLENGE_WRONG;
            case "LATE" -> Reputation.Event.CHALLENGE_LATE;
            case "MISSING" -> Reputation.Event.CHALLENGE_MISSING;
            default -> throw new IllegalStateException("unknown challenge outcome " + outcome);
        };
        writes.recordStanding(device, standing -> Reputation.record(standing, event, now));
        if (event == Reputation.Event.CHALLENGE_PASSED) {
            writes.passed(device);
        } else if (event == Reputation.Event.CHALLENGE_WRONG) {
            List<Challenges.Challenge> latest = challenges.ofDevice(c, device, WRONG_IN_A_ROW_BLOCKS);
            if (latest.size() == WRONG_IN_A_ROW_BLOCKS && latest.stream().allMatch(k -> k.outcome().equals("WRONG"))) {
                writes.block(device, WRONG_IN_A_ROW_BLOCKS + " wrong challenge answers in a row (the last "
                        + id + ")", now);
            } else {
                // a wrong answer may be a glitch: ask again soon rather than at the usual random time
                challenges.setNextDue(c, device, now.plus(RECHECK));
            }
        } else if (!deviceRows.byId(c, device).orElseThrow().verification().verified()) {
            challenges.setNextDue(c, device, now.plus(RECHECK));
        }
    }
}
