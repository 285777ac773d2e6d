package dev.corral.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Json;
import dev.corral.core.Telemetry;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.ChallengeRows;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.core.protocol.ChallengeWalk;
import dev.corral.core.protocol.Heartbeat;
import dev.corral.core.protocol.OpenedRow;
import dev.corral.core.protocol.WorkResponse;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import dev.corral.core.protocol.RegisterRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** A device that speaks /agent/v1 by hand, so tests can send requests a real agent never would. */
final class RawAgent {
    static final HardwareSpec CPU = new HardwareSpec(DeviceKind.CPU, null, 0, 0, null, "raw test CPU", 2, 2048);

    final KeyPair keys;
    final URI server;
    final Clock clock;
    final HttpClient http = HttpClient.newHttpClient();
    String deviceId;
    HardwareSpec hardware = CPU;
    List<String> runtimes = List.of("process");
    String region;

    RawAgent(URI server, Clock clock) throws Exception {
        this.server = server;
        this.clock = clock;
        this.keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    HttpResponse<String> register(String joinToken) throws Exception {
        byte[] body = json(new RegisterRequest(joinToken, AgentSignature.encodePublicKey(keys.getPublic()), hardware, region,
                "127.0.0.1", runtimes));
        HttpResponse<String> response = send("POST", "/agent/v1/register", body,
                AgentSignature.sign(keys.getPrivate(), "POST", "/agent/v1/register", null, body, clock.instant()));
        if (response.statusCode() == 201) {
            deviceId = Json.mapper().readTree(response.body()).get("deviceId").asText();
        }
        return response;
    }

    byte[] heartbeatBody() throws Exception {
        return heartbeatBody(new Telemetry(1, 1, List.of()));
    }

    /** A heartbeat with an idle reading for each GPU it claims, as a real agent's nvidia-smi gives. */
    byte[] idleHeartbeatBody() throws Exception {
        return heartbeatBody(new Telemetry(1, 1, Collections.nCopies(hardware.gpuCount(),
                new Telemetry.GpuReading(0, 35, 30, 0))));
    }

    byte[] heartbeatBody(Telemetry telemetry) throws Exception {
        return json(new Heartbeat(hardware, telemetry, "127.0.0.1", runtimes));
    }

    /** Headers for a request signed by this device's key at this instant. */
    Map<String, String> signed(String method, String path, byte[] body, Instant at) {
        return AgentSignature.sign(keys.getPrivate(), method, path, deviceId, body, at);
    }

    HttpResponse<String> signedSend(String method, String path, byte[] body) throws Exception {
        return send(method, path, body, signed(method, path, body, clock.instant()));
    }

    /** A signed GET whose answer is bytes (a bandwidth probe). */
    HttpResponse<byte[]> signedDownload(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).GET();
        signed("GET", path, new byte[0], clock.instant()).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    /**
     * Sends this device's heartbeat every {@link TestNetwork#HEARTBEAT_INTERVAL} until the
     * returned handle is closed, so that a hand-registered device stays online (and placeable)
     * however slow the machine, instead of racing the coordinator's heartbeat timeout.
     */
    AutoCloseable keepBeating() throws Exception {
        byte[] body = heartbeatBody();
        AtomicBoolean beating = new AtomicBoolean(true);
        Thread beater = Thread.ofVirtual().name("heartbeats of " + deviceId).start(() -> {
            while (beating.get()) {
                try {
                    signedSend("POST", "/agent/v1/heartbeat", body);
                    Thread.sleep(TestNetwork.HEARTBEAT_INTERVAL.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the coordinator is restarting or gone: the next beat tries again
                }
            }
        });
        return () -> {
            beating.set(false);
            beater.interrupt();
            beater.join();
        };
    }

    static byte[] json(Object value) throws Exception {
        return Json.mapper().writeValueAsBytes(value);
    }

    /** Waits for the challenge the coordinator sends this device with its work. */
    ChallengeTask nextChallenge() {
        return nextChallenges(1).getFirst();
    }

    /** Waits until the coordinator sends this device at least {@code count} challenges with its work. */
    List<ChallengeTask> nextChallenges(int count) {
        List<List<ChallengeTask>> tasks = new ArrayList<>(List.of(List.of()));
        TestNetwork.await(count + " challenges for " + deviceId, () -> {
            try {
                WorkResponse work = Json.mapper().readValue(signedSend("GET", "/agent/v1/work", new byte[0]).body(),
                        WorkResponse.class);
                tasks.set(0, work.challenges());
                return work.challenges().size() >= count;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return tasks.getFirst();
    }

    /**
     * Answers every challenge the device was sent together (one for each GPU it claims on the GPU
     * engine), honestly or not; returns the last outcome's body.
     */
    String answerAll(boolean honest) throws Exception {
        String outcome = null;
        for (ChallengeTask task : nextChallenges(ChallengePolicy.cardsChallenged(hardware, runtimes.contains("cuda")))) {
            outcome = answer(task, honest);
            // as a real agent beats while it computes: a device with many GPUs answers for longer than the timeout
            signedSend("POST", "/agent/v1/heartbeat", idleHeartbeatBody());
        }
        return outcome;
    }

    /**
     * Answers the challenge: honestly, or with the true product's commitment but made-up rows
     * (what a device that guesses instead of computing sends). Returns the outcome's body.
     */
    String answer(ChallengeTask task, boolean honest) throws Exception {
        return answer(task, honest, task.memory() == null ? null : MemoryWalk.Spec.of(task.seed(), task.memory()));
    }

    /**
     * The same, with the memory part's walks computed over the table of {@code walked}: the
     * task's own, or another (a smaller one, as a card short of the claimed memory holds).
     */
    String answer(ChallengeTask task, boolean honest, MemoryWalk.Spec walked) throws Exception {
        MatrixChallenge.Answer answer = MatrixChallenge.compute(new MatrixChallenge.Spec(task.seed(), task.size()));
        MemoryWalk.Answer walks = null;
        if (walked != null) {
            MemoryWalk.Table table = MemoryWalk.fill(walked, () -> false);
            HttpResponse<String> filled = signedSend("POST", "/agent/v1/challenges/" + task.challengeId() + "/filled",
                    json(Map.of()));
            ChallengeWalk walk = Json.mapper().readValue(filled.body(), ChallengeWalk.class);
            if (walk.walkSeed() == null) {
                return filled.body();
            }
            walks = MemoryWalk.walk(walked, walk.walkSeed(), table, () -> false);
        }
        HttpResponse<String> asked = signedSend("POST", "/agent/v1/challenges/" + task.challengeId() + "/commit",
                json(new ChallengeCommit(answer.root(), walks == null ? null : walks.root())));
        ChallengeRows rows = Json.mapper().readValue(asked.body(), ChallengeRows.class);
        List<OpenedRow> opened = honest ? MatrixChallenge.open(answer, rows.rows())
                : Arrays.stream(rows.rows()).mapToObj(row -> new OpenedRow(row, new long[task.size()], List.of()))
                        .toList();
        return signedSend("POST", "/agent/v1/challenges/" + task.challengeId() + "/open",
                json(new ChallengeOpening(opened, walks == null ? null : MemoryWalk.open(walks, rows.walkRows()))))
                .body();
    }
}
