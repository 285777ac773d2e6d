package dev.corral.witness;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.Json;
import dev.corral.core.api.ApiError;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.CoordinatorKey;
import dev.corral.core.auth.KeyFile;
import dev.corral.core.auth.Signatures;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.sdk.CorralClient;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A witness of a coordinator's public ledger: it fetches the coordinator's epoch records
 * every interval, keeps each one it has not seen (checked against the coordinator's key,
 * written and forced to disk), co-signs it with a key of its own, and notes every record the
 * coordinator later serves differently. It serves what it kept, so that anyone's
 * {@code corral ledger verify --witness URL} fails once the coordinator's history differs from
 * it: a coordinator's key alone can re-sign a rewritten history, not the witnesses' copies.
 */
public final class Witness implements AutoCloseable {
    public static final String KEY_FILE = "witness.key";
    /** The coordinator's ledger key, pinned at the witness's first start. */
    public static final String COORDINATOR_FILE = "coordinator.pub";
    public static final String EPOCHS_FILE = "epochs.jsonl";
    public static final String CONFLICTS_FILE = "conflicts.jsonl";
    /** How far the coordinator's clock may run ahead of the witness's before a record counts as early. */
    static final Duration CLOCK_SKEW_MAX = Duration.ofMinutes(1);
    /** How long closing waits for a poll under way to finish its writes. */
    static final Duration POLL_FINISH_MAX = Duration.ofSeconds(30);
    static final String KEY_PATH = "/witness/v1/key";
    static final String EPOCHS_PATH = "/witness/v1/epochs";
    static final String CONFLICTS_PATH = "/witness/v1/conflicts";
    private static final Logger LOG = LoggerFactory.getLogger(Witness.class);

    /** A record served otherwise than the witness kept it, or not signed by the coordinator's key. */
    public record Conflict(long epoch, long seenAtMillis, String what) {}

    /** What the witness says of itself at {@code /witness/v1/key}. */
    public record KeyView(String publicKey, String coordinatorKey) {}

    private final CorralClient coordinator;
    private final Signatures.Signer signer;
    private final String publicKey;
    private final String coordinatorKey;
    private final PublicKey coordinatorPublicKey;
    private final WitnessLog log = new WitnessLog();
    private final List<Conflict> conflicts = new CopyOnWriteArrayList<>();
    /** One poll at a time; what is served is read without waiting for one. */
    private final ReentrantLock polling = new ReentrantLock();
    private final FileChannel epochsFile;
    private final FileChannel conflictsFile;
    private final Clock clock;
    private final AtomicReference<Javalin> app = new AtomicReference<>();
    private final Thread poller;

    private Witness(CorralClient coordinator, Path directory, Duration interval, Clock clock) throws IOException {
        this.coordinator = coordinator;
        this.clock = clock;
        KeyPair key = KeyFile.loadOrCreate(directory.resolve(KEY_FILE));
        this.signer = Signatures.signer(key.getPrivate());
        this.publicKey = AgentSignature.encodePublicKey(key.getPublic());
        Path pinned = directory.resolve(COORDINATOR_FILE);
        if (!Files.exists(pinned)) {
            Path temp = directory.resolve(COORDINATOR_FILE + ".tmp");
            try (FileChannel file = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                file.write(ByteBuffer.wrap(AgentSignature.encodePublicKey(coordinator.ledgerKey())
                        .getBytes(StandardCharsets.UTF_8)));
                file.force(true);
            }
            Files.move(temp, pinned, StandardCopyOption.ATOMIC_MOVE);
        }
        this.coordinatorKey = Files.readString(pinned).trim();
        this.coordinatorPublicKey = AgentSignature.decodePublicKey(coordinatorKey);
        Path epochs = directory.resolve(EPOCHS_FILE);
        Path conflicted = directory.resolve(CONFLICTS_FILE);
        for (WitnessedEpoch kept : readLines(epochs, WitnessedEpoch.class)) {
            log.keep(kept);
        }
        conflicts.addAll(readLines(conflicted, Conflict.class));
        this.epochsFile = FileChannel.open(epochs, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.conflictsFile = FileChannel.open(conflicted, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.poller = Thread.ofVirtual().name("witness-poll").unstarted(() -> pollEvery(interval));
    }

    /**
     * The JSON lines of a file the witness appends to. A last line cut short (the machine
     * stopped while it was written: it was never forced, so never counted as kept) is cut off
     * the file; a bad line before the last is damage the witness will not guess about.
     */
    private static <T> List<T> readLines(Path file, Class<T> type) throws IOException {
        List<T> read = new ArrayList<>();
        if (!Files.exists(file)) {
            return read;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        long good = 0;
        for (int i = 0; i < lines.size(); i++) {
            try {
                read.add(Json.mapper().readValue(lines.get(i), type));
                good += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            } catch (IOException e) {
                if (i < lines.size() - 1) {
                    throw new IOException("line " + (i + 1) + " of " + file + " is damaged: " + e.getMessage(), e);
                }
                LOG.warn("cutting off the unfinished last line of {}", file);
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.truncate(good);
                    channel.force(true);
                }
            }
        }
        return read;
    }

    /**
     * Starts witnessing the coordinator the client reaches, keeping its files in the directory
     * and serving them on the host and port; a first poll runs before it returns.
     */
    public static Witness start(CorralClient coordinator, Path directory, String bindHost, int port, Duration interval,
            Clock clock) throws IOException {
        requireNonNull(coordinator, "coordinator is null");
        Files.createDirectories(directory);
        Witness witness = new Witness(coordinator, directory, interval, clock);
        witness.app.set(Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.jsonMapper(new JavalinJackson(Json.mapper(), true));
            javalin.routes.get(KEY_PATH, ctx -> ctx.json(new KeyView(witness.publicKey, witness.coordinatorKey)));
            javalin.routes.get(EPOCHS_PATH, ctx -> ctx.json(witness.log.from(
                    Long.parseLong(Optional.ofNullable(ctx.queryParam("from")).orElse("0")),
                    Math.clamp(Long.parseLong(Optional.ofNullable(ctx.queryParam("limit"))
                            .orElse(Integer.toString(WitnessedEpoch.PAGE_MAX))), 1, WitnessedEpoch.PAGE_MAX))));
            javalin.routes.get(CONFLICTS_PATH, ctx -> ctx.json(witness.conflicts()));
            javalin.routes.exception(NumberFormatException.class, (e, ctx) -> ctx.status(400).json(
                    new ApiError("bad_request", "from and limit are whole numbers")));
        }).start(bindHost, port));
        try {
            witness.poll();
        } catch (RuntimeException e) {
            LOG.warn("first look at the coordinator failed: {}", e.getMessage());
        }
        witness.poller.start();
        return witness;
    }

    private void pollEvery(Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                poll();
            } catch (RuntimeException e) {
                LOG.warn("looking at the coordinator failed: {}", e.getMessage());
            }
        }
    }

    /** Fetches every record the coordinator serves now; keeps the new ones, notes the ones served otherwise. */
    public void poll() {
        polling.lock();
        try {
            pollOnce();
        } finally {
            polling.unlock();
        }
    }

    private void pollOnce() {
        PublicKey served = coordinator.ledgerKey();
        if (!AgentSignature.encodePublicKey(served).equals(coordinatorKey)) {
            conflict(-1, "the coordinator's ledger key is now " + CoordinatorKey.fingerprint(served) + ", not the "
                    + CoordinatorKey.fingerprint(coordinatorPublicKey) + " this witness watches");
            return;
        }
        List<EpochRecord> records = coordinator.allEpochs();
        long newest = records.isEmpty() ? -1 : records.getLast().epoch();
        for (WitnessedEpoch kept : log.from(0, Integer.MAX_VALUE)) {
            long epoch = kept.record().epoch();
            if (epoch <= newest && records.stream().noneMatch(record -> record.epoch() == epoch)) {
                conflict(epoch, "the coordinator no longer serves the record kept");
            }
        }
        for (EpochRecord record : records) {
            if (!record.signatureValid(coordinatorPublicKey)) {
                conflict(record.epoch(), "a record not signed by the coordinator's key");
                continue;
            }
            if (record.endsAtMillis() > clock.millis() + CLOCK_SKEW_MAX.toMillis()) {
                // Signed before its epoch ended: its block was minted ahead of the schedule.
                conflict(record.epoch(), "a record for an epoch that has not ended (it ends at "
                        + Instant.ofEpochMilli(record.endsAtMillis()) + "): its block was minted ahead of the schedule");
                continue;
            }
            switch (log.judge(record)) {
                case NEW -> keep(record);
                case SAME -> { }
                case DIFFERENT -> conflict(record.epoch(), "the coordinator serves another record than the one kept "
                        + "(journal head " + record.journalHead() + "): history was rewritten");
            }
        }
    }

    private void keep(EpochRecord record) {
        WitnessedEpoch witnessed = new WitnessedEpoch(record, clock.millis(), Base64.getEncoder().encodeToString(
                signer.sign(WitnessedEpoch.signedText(coordinatorKey, record))));
        append(epochsFile, witnessed);
        log.keep(witnessed);
    }

    private void conflict(long epoch, String what) {
        boolean known = conflicts.stream().anyMatch(c -> c.epoch() == epoch && c.what().equals(what));
        if (!known) {
            Conflict conflict = new Conflict(epoch, clock.millis(), what);
            LOG.warn("epoch {}: {}", epoch, what);
            append(conflictsFile, conflict);
            conflicts.add(conflict);
        }
    }

    /** One JSON line, forced to disk before it counts as kept. */
    private static void append(FileChannel file, Object value) {
        try {
            file.write(ByteBuffer.wrap((Json.mapper().writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8)));
            file.force(false);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a witnessed record", e);
        }
    }

    public int kept() {
        return log.size();
    }

    public List<Conflict> conflicts() {
        return List.copyOf(conflicts);
    }

    public int port() {
        return app.get().port();
    }

    public String publicKeyFingerprint() {
        return CoordinatorKey.fingerprint(AgentSignature.decodePublicKey(publicKey));
    }

    @Override
    public void close() {
        poller.interrupt();
        try {
            // A poll under way finishes its writes before the files close.
            poller.join(POLL_FINISH_MAX.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Javalin served = app.get();
        if (served != null) {
            served.stop();
        }
        try {
            epochsFile.close();
            conflictsFile.close();
        } catch (IOException e) {
            LOG.warn("closing the witness's files: {}", e.getMessage());
        }
    }
}
