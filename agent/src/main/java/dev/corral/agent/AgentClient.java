package dev.corral.agent;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.Crc32c;
import dev.corral.core.DeviceId;
import dev.corral.core.Json;
import dev.corral.core.api.ApiError;
import dev.corral.core.Sha256;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.auth.AnswerSignature;
import dev.corral.core.protocol.CoordinatorIdentity;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.ChallengeRows;
import dev.corral.core.protocol.ChallengeWalk;
import dev.corral.core.protocol.Heartbeat;
import dev.corral.core.protocol.LogBatch;
import dev.corral.core.protocol.RankExitAnswer;
import dev.corral.core.protocol.RankExited;
import dev.corral.core.protocol.RankPulling;
import dev.corral.core.protocol.RankStarted;
import dev.corral.core.protocol.RegisterRequest;
import dev.corral.core.protocol.RegisterResponse;
import dev.corral.core.protocol.WorkPoll;
import dev.corral.core.protocol.WorkResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLHandshakeException;
import java.util.zip.CRC32C;

/**
 * The agent's side of /agent/v1: every request signed with the device key. Requests go through
 * the JDK's blocking {@link HttpURLConnection}, which does its I/O on the calling thread (a
 * virtual thread in the agent) and keeps connections alive between requests; the JDK's newer
 * {@code HttpClient} hands every request across its selector and executor threads, and used 3 to
 * 5 times the CPU per request here (0.21-0.33 against 0.06-0.07 ms for a loopback GET, C1 code).
 * A timeout is the connect timeout plus the longest the answer may take to start and each read
 * may wait.
 */
public final class AgentClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    /** A bandwidth probe's transfer: 8 MiB takes 11 s at 6 Mbit/s; a slower line stays in the lowest tier anyway. */
    static final Duration BANDWIDTH_TIMEOUT = Duration.ofSeconds(60);
    static final int BANDWIDTH_BUFFER_BYTES = 64 * 1024;
    /** The header naming a bandwidth probe (BandwidthService.HEADER_PROBE on the coordinator). */
    static final String HEADER_PROBE = "Corral-Probe";
    /** Where the coordinator says who it is (Routes on the coordinator). */
    static final String IDENTITY_PATH = "/agent/v1/identity";

    /**
     * The coordinator answered with an error status. A 4xx means sending the request again will
     * not help, except a "stale" refusal: the request reached the coordinator's signature check
     * too long after it was signed (it waited in a queue on a loaded coordinator, or this
     * device's clock is off), and a new attempt is signed anew.
     */
    static final class RefusedException extends IOException {
        static final String STALE = "stale";
        private final int status;
        private final String error;

        RefusedException(int status, String body, String error) {
            super("coordinator answered " + status + ": " + body);
            this.status = status;
            this.error = error;
        }

        int status() {
            return status;
        }

        /** Whether trying again cannot succeed. */
        boolean isFinal() {
            return status >= 400 && status < 500 && !STALE.equals(error);
        }
    }

    private final URI server;
    private final DeviceIdentity identity;
    private final CoordinatorTrust trust;
    private final Clock clock;
    private final AtomicLong answersRefused = new AtomicLong();

    AgentClient(URI server, DeviceIdentity identity, CoordinatorTrust trust, Clock clock) {
        this.server = requireNonNull(server, "server is null");
        this.identity = requireNonNull(identity, "identity is null");
        this.trust = requireNonNull(trust, "trust is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A client of the coordinator this join token names, for a device not registered yet (a load generator's). */
    public static AgentClient joining(URI server, DeviceIdentity identity, String joinToken, Clock clock) {
        return new AgentClient(server, identity, CoordinatorTrust.named(joinToken), clock);
    }

    /** Answers this client refused as not its coordinator's: unsigned, or signed by another key or for another request. */
    long answersRefused() {
        return answersRefused.get();
    }

    /**
     * Has the server prove it is the pinned coordinator, before anything else is sent: it
     * answers with its identity over a connection that takes any certificate, which the
     * identity must then name.
     */
    void proveCoordinator() throws IOException, InterruptedException {
        String nonce = AgentSignature.newNonce();
        HttpURLConnection connection = (HttpURLConnection) server.resolve(IDENTITY_PATH + "?nonce=" + nonce).toURL()
                .openConnection();
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
        connection.setUseCaches(false);
        trust.learn(connection);
        exchange(connection, () -> {
            int status = connection.getResponseCode();
            if (status != 200) {
                // A proxy's or a restarting coordinator's error: worth another try, unlike a wrong identity.
                throw new IOException("the server at " + server + " answered " + status + " when asked who it is");
            }
            // Read while the connection is open: it goes back to the pool once its body is read.
            String presented = CoordinatorTrust.presented(connection).orElse(null);
            CoordinatorIdentity answer;
            try (InputStream body = connection.getInputStream()) {
                answer = Json.readAnswer(body.readAllBytes(), CoordinatorIdentity.class);
            }
            trust.prove(answer, nonce, presented, server.toString());
            return null;
        });
        // That connection trusted any certificate: it serves no other request.
        connection.disconnect();
    }

    public RegisterResponse register(RegisterRequest request) throws IOException, InterruptedException {
        return send("POST", "/agent/v1/register", request, null, RegisterResponse.class, REQUEST_TIMEOUT);
    }

    public void heartbeat(DeviceId device, Heartbeat heartbeat) throws IOException, InterruptedException {
        send("POST", "/agent/v1/heartbeat", heartbeat, device, Map.class, REQUEST_TIMEOUT);
    }

    /** A work long-poll that carries the start reports in {@code poll}. */
    WorkResponse work(DeviceId device, String known, Duration pollWait, WorkPoll poll)
            throws IOException, InterruptedException {
        String query = "?wait=" + Math.max(1, pollWait.toSeconds())
                + (known == null ? "" : "&known=" + URLEncoder.encode(known, StandardCharsets.UTF_8));
        WorkResponse answer = send("POST", "/agent/v1/work" + query, poll, device, WorkResponse.class,
                pollWait.plus(REQUEST_TIMEOUT));
        if (answer.version() == null || answer.assignments() == null || answer.challenges() == null) {
            throw new IOException("the coordinator's work answer lacks its version, assignments or challenges");
        }
        return answer;
    }

    void started(DeviceId device, String cluster, RankStarted started) throws IOException, InterruptedException {
        send("POST", "/agent/v1/clusters/" + cluster + "/started", started, device, Map.class, REQUEST_TIMEOUT);
    }

    void pulling(DeviceId device, String cluster, RankPulling pulling) throws IOException, InterruptedException {
        send("POST", "/agent/v1/clusters/" + cluster + "/pulling", pulling, device, Map.class, REQUEST_TIMEOUT);
    }

    /** Reports a rank's exit; the answer says whether to start it again. */
    RankExitAnswer exited(DeviceId device, String cluster, RankExited exited) throws IOException, InterruptedException {
        return send("POST", "/agent/v1/clusters/" + cluster + "/exited", exited, device, RankExitAnswer.class,
                REQUEST_TIMEOUT);
    }

    /** Says the memory part's table is filled; the answer is the walk seed and the walks' deadline. */
    ChallengeWalk filled(DeviceId device, String challenge) throws IOException, InterruptedException {
        return send("POST", "/agent/v1/challenges/" + challenge + "/filled", Map.of(), device, ChallengeWalk.class,
                REQUEST_TIMEOUT);
    }

    ChallengeRows commit(DeviceId device, String challenge, ChallengeCommit commit)
            throws IOException, InterruptedException {
        return send("POST", "/agent/v1/challenges/" + challenge + "/commit", commit, device, ChallengeRows.class,
                REQUEST_TIMEOUT);
    }

    String open(DeviceId device, String challenge, ChallengeOpening opening) throws IOException, InterruptedException {
        return String.valueOf(send("POST", "/agent/v1/challenges/" + challenge + "/open", opening, device, Map.class,
                REQUEST_TIMEOUT).get("outcome"));
    }

    void logs(DeviceId device, String cluster, LogBatch batch) throws IOException, InterruptedException {
        send("POST", "/agent/v1/clusters/" + cluster + "/logs", batch, device, Map.class, REQUEST_TIMEOUT);
    }

    /** A bandwidth probe downloaded in full: its id and the CRC-32C of its bytes (8 hex digits). */
    record ProbeDownload(String probeId, String crc32c, long bytes) {}

    /** Downloads a bandwidth probe, checksumming it as it arrives (nothing is kept); refuses one over bytesMax. */
    ProbeDownload downloadProbe(DeviceId device, long bytesMax) throws IOException, InterruptedException {
        String path = "/agent/v1/bandwidth/download";
        Signed signed = open("GET", path, device, new byte[0], BANDWIDTH_TIMEOUT);
        HttpURLConnection connection = signed.connection();
        return exchange(connection, () -> {
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                byte[] error = errorBody(connection);
                checkSigned(signed, status, Sha256.hex(error));
                throw refused(status, error);
            }
            CRC32C crc = new CRC32C();
            long total = 0;
            try (InputStream body = connection.getInputStream()) {
                byte[] buffer = new byte[BANDWIDTH_BUFFER_BYTES];
                for (int read = body.read(buffer); read > 0; read = body.read(buffer)) {
                    crc.update(buffer, 0, read);
                    total += read;
                    if (total > bytesMax) {
                        throw new IOException("the coordinator's bandwidth probe is over " + bytesMax + " bytes");
                    }
                }
            }
            String probe = connection.getHeaderField(HEADER_PROBE);
            if (probe == null) {
                throw new IOException("the coordinator sent no " + HEADER_PROBE + " header");
            }
            checkSigned(signed, status, Sha256.hex(probe));
            return new ProbeDownload(probe, Crc32c.hex(crc), total);
        });
    }

    /**
     * Uploads as many bytes as were downloaded, with the download's checksum; answers the
     * coordinator's measurement. The bytes are filler: the request is signed over an empty body,
     * so nothing is hashed between the download and the upload.
     */
    Map<?, ?> uploadProbe(DeviceId device, ProbeDownload download, byte[] filler) throws IOException, InterruptedException {
        String path = "/agent/v1/bandwidth/" + download.probeId() + "/upload?crc32c=" + download.crc32c();
        Signed signed = open("POST", path, device, new byte[0], BANDWIDTH_TIMEOUT);
        HttpURLConnection connection = signed.connection();
        connection.setRequestProperty("Content-Type", "application/octet-stream");
        return exchange(connection, () -> {
            write(connection, filler);
            return answer(signed, Map.class);
        });
    }

    private <T> T send(String method, String pathAndQuery, Object body, DeviceId device, Class<T> type, Duration timeout)
            throws IOException, InterruptedException {
        byte[] bytes = body == null ? new byte[0] : json(body);
        Signed signed = open(method, pathAndQuery, device, bytes, timeout);
        HttpURLConnection connection = signed.connection();
        return exchange(connection, () -> {
            if (body != null) {
                connection.setRequestProperty("Content-Type", "application/json");
                write(connection, bytes);
            }
            return answer(signed, type);
        });
    }

    /** A request on its connection, with the nonce its answer must be signed over. */
    private record Signed(HttpURLConnection connection, AnswerSignature.Request request) {}

    /**
     * A connection for one request, signed by the device over the body given (null device:
     * registration), to the coordinator once it proved itself.
     */
    private Signed open(String method, String pathAndQuery, DeviceId device, byte[] signedBody, Duration timeout)
            throws IOException, InterruptedException {
        if (!trust.proven()) {
            proveCoordinator();
        }
        HttpURLConnection connection = (HttpURLConnection) server.resolve(pathAndQuery).toURL().openConnection();
        trust.pin(connection);
        connection.setRequestMethod(method);
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setUseCaches(false);
        Map<String, String> headers = AgentSignature.sign(identity.signer(), method, pathAndQuery,
                device == null ? null : device.value(), signedBody, clock.instant());
        headers.forEach(connection::setRequestProperty);
        return new Signed(connection, new AnswerSignature.Request(method, pathAndQuery,
                headers.get(AgentSignature.HEADER_NONCE)));
    }

    /** Refuses an answer the coordinator did not sign for this request: nothing in it is used. */
    private void checkSigned(Signed signed, int status, String signedSha256) throws IOException {
        if (!trust.signed(signed.request(), status, signedSha256,
                signed.connection().getHeaderField(AnswerSignature.HEADER))) {
            answersRefused.incrementAndGet();
            throw new CoordinatorTrust.UntrustedCoordinatorException("the answer to " + signed.request().method() + " "
                    + signed.connection().getURL().getPath() + " (" + status + ") is not signed by the coordinator "
                    + "for this request (a proxy's error page, or something changed or made it up): nothing in it "
                    + "was used");
        }
    }

    private static void write(HttpURLConnection connection, byte[] body) throws IOException {
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
    }

    @FunctionalInterface
    private interface Exchange<T> {
        T run() throws IOException;
    }

    /**
     * Runs one request on its connection. A connection that failed is dropped rather than kept
     * for the next request; an interrupt while it waited (the agent closing: a virtual thread's
     * socket is closed when it is interrupted) is reported as such.
     */
    private <T> T exchange(HttpURLConnection connection, Exchange<T> exchange)
            throws IOException, InterruptedException {
        try {
            return exchange.run();
        } catch (IOException e) {
            connection.disconnect();
            if (e instanceof SSLHandshakeException) {
                // The coordinator's certificate changed, or something else answers: it must prove itself again.
                trust.forgetCertificate();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during " + connection.getRequestMethod() + " "
                        + connection.getURL().getPath());
            }
            throw e;
        }
    }

    /**
     * The answer's body as the type, read whole so that the connection can serve the next
     * request, once the coordinator's signature on it is checked.
     */
    private <T> T answer(Signed signed, Class<T> type) throws IOException {
        HttpURLConnection connection = signed.connection();
        int status = connection.getResponseCode();
        if (status / 100 != 2) {
            byte[] error = errorBody(connection);
            checkSigned(signed, status, Sha256.hex(error));
            throw refused(status, error);
        }
        byte[] body;
        try (InputStream in = connection.getInputStream()) {
            body = in.readAllBytes();
        }
        checkSigned(signed, status, Sha256.hex(body));
        return Json.readAnswer(body, type);
    }

    private static byte[] errorBody(HttpURLConnection connection) throws IOException {
        try (InputStream body = connection.getErrorStream()) {
            return body == null ? new byte[0] : body.readAllBytes();
        }
    }

    private static RefusedException refused(int status, byte[] body) {
        String error = null;
        try {
            error = Json.mapper().readValue(body, ApiError.class).error();
        } catch (IOException e) {
            // Not the coordinator's error body (a proxy's page, say): the status alone decides.
        }
        return new RefusedException(status, new String(body, StandardCharsets.UTF_8), error);
    }

    private static byte[] json(Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName(), e);
        }
    }
}
