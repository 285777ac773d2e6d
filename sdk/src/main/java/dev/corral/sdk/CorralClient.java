package dev.corral.sdk;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.corral.core.Json;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ApiKeyRequest;
import dev.corral.core.api.ApiKeyView;
import dev.corral.core.api.ApiError;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.CreateAccount;
import dev.corral.core.api.CreditRequest;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.ExtendRequest;
import dev.corral.core.api.IoAmount;
import dev.corral.core.api.JoinTokenView;
import dev.corral.core.api.LogView;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.OfferView;
import dev.corral.core.api.OraclePrice;
import dev.corral.core.api.OracleUpdate;
import dev.corral.core.api.PseudonymView;
import dev.corral.core.api.QuoteRequest;
import dev.corral.core.api.QuoteView;
import dev.corral.core.api.ReportRequest;
import dev.corral.core.api.ReportView;
import dev.corral.core.api.RewardView;
import dev.corral.core.api.StakeRequest;
import dev.corral.core.api.StakeView;
import dev.corral.core.api.StakerShareUpdate;
import dev.corral.core.api.TierUpdate;
import dev.corral.core.api.TransferView;
import dev.corral.core.api.WalletView;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;

/**
 * The Java client of Corral's /api/v1. Each method is one HTTP call; a refusal is a
 * {@link CorralException} carrying the coordinator's status, code and message.
 */
public final class CorralClient {
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final TypeReference<List<DeviceView>> DEVICES = new TypeReference<>() {};
    private static final TypeReference<List<ApiKeyView>> API_KEYS = new TypeReference<>() {};
    private static final TypeReference<List<ClusterView>> CLUSTERS = new TypeReference<>() {};
    private static final TypeReference<List<TransferView>> TRANSFERS = new TypeReference<>() {};
    private static final TypeReference<List<JournalEntry>> JOURNAL = new TypeReference<>() {};
    private static final TypeReference<List<EpochRecord>> EPOCHS = new TypeReference<>() {};
    private static final TypeReference<List<RewardView>> REWARDS = new TypeReference<>() {};
    private static final TypeReference<List<OraclePrice>> PRICES = new TypeReference<>() {};
    private static final TypeReference<List<StakeView>> STAKES = new TypeReference<>() {};
    private static final TypeReference<List<OfferView>> OFFERS = new TypeReference<>() {};

    private final URI server;
    private final String apiKey;
    private final ServerTrust trust;
    private final HttpClient http;

    /**
     * A client acting with this API key (or the admin key); null for the public calls only. Over
     * https it takes the certificates a CA this JDK trusts signed.
     */
    public CorralClient(URI server, String apiKey) {
        this(server, apiKey, ServerTrust.systemCertificates());
    }

    /** The same, taking the coordinator's certificate as the trust says (a pinned fingerprint, say). */
    public CorralClient(URI server, String apiKey, ServerTrust trust) {
        this.server = requireNonNull(server, "server is null");
        this.apiKey = apiKey;
        this.trust = requireNonNull(trust, "trust is null");
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if ("https".equalsIgnoreCase(server.getScheme())) {
            http.sslContext(trust.context(server));
        }
        this.http = http.build();
    }

    public CorralClient withKey(String key) {
        return new CorralClient(server, key, trust);
    }

    public AccountCreated createAccount(String name) {
        return createAccount(name, null);
    }

    /** A new account invited with another account's referral code. */
    public AccountCreated createAccount(String name, String referralCode) {
        return call("POST", "/api/v1/accounts", new CreateAccount(name, referralCode), null, AccountCreated.class);
    }

    public AccountView account() {
        return call("GET", "/api/v1/account", null, null, AccountView.class);
    }

    /** This account's pseudonym in the public journal, with the coordinator's signed statement that it is this account's. */
    public PseudonymView pseudonym() {
        return call("GET", "/api/v1/account/pseudonym", null, null, PseudonymView.class);
    }

    public List<TransferView> transfers(int limit) {
        return call("GET", "/api/v1/transfers?limit=" + limit, null, null, TRANSFERS);
    }

    /** Admin only: adds funds to an account. A repeated idempotency key credits once. */
    public void credit(String accountId, String amountUsd, String idempotencyKey) {
        call("POST", "/api/v1/admin/credits", new CreditRequest(accountId, amountUsd), idempotencyKey, Map.class);
    }

    /** Makes another API key for this account, labelled; the answer holds the key, shown this once. */
    public ApiKeyView createApiKey(String label) {
        return call("POST", "/api/v1/account/keys", new ApiKeyRequest(label), null, ApiKeyView.class);
    }

    /** The API keys this account made besides its first, without the keys themselves. */
    public List<ApiKeyView> apiKeys() {
        return call("GET", "/api/v1/account/keys", null, null, API_KEYS);
    }

    /** Revokes one of this account's keys (by its id): it authenticates nothing from now on. */
    public void revokeApiKey(String keyId) {
        send("DELETE", "/api/v1/account/keys/" + encode(keyId), null, null);
    }

    public JoinTokenView joinToken() {
        return call("POST", "/api/v1/devices/join-tokens", null, null, JoinTokenView.class);
    }

    public List<DeviceView> devices() {
        return call("GET", "/api/v1/devices", null, null, DEVICES);
    }

    public DeviceView device(String id) {
        return call("GET", "/api/v1/devices/" + encode(id), null, null, DeviceView.class);
    }

    /** Asks for a blocked device to be challenged again; a pass unblocks it. */
    public DeviceView reverifyDevice(String id) {
        return call("POST", "/api/v1/devices/" + encode(id) + "/reverify", null, null, DeviceView.class);
    }

    public DeviceView updateDevice(String id, DeviceUpdate update) {
        return call("PATCH", "/api/v1/devices/" + encode(id), update, null, DeviceView.class);
    }

    /** Quotes a cluster: the price and its quote id for what this deploy asks (gpu or cpu, count, hours, where). */
    public QuoteView quote(DeployRequest request) {
        return call("POST", "/api/v1/quotes", QuoteRequest.of(request), null, QuoteView.class);
    }

    /** Deploys; a repeated idempotency key returns the cluster the first call made instead of a second one. */
    public ClusterView deploy(DeployRequest request, String idempotencyKey) {
        return call("POST", "/api/v1/clusters", request, idempotencyKey, ClusterView.class);
    }

    /** The newest 200 clusters, each without its ranks' list ({@link #cluster} has it). */
    public List<ClusterView> clusters() {
        return call("GET", "/api/v1/clusters", null, null, CLUSTERS);
    }

    public ClusterView cluster(String id) {
        return call("GET", "/api/v1/clusters/" + encode(id), null, null, ClusterView.class);
    }

    /** The cluster without its ranks' list: state, money and how many ranks started, cheap for any size. */
    public ClusterView clusterSummary(String id) {
        return call("GET", "/api/v1/clusters/" + encode(id) + "?ranks=false", null, null, ClusterView.class);
    }

    public LogView logs(String id, Integer rank) {
        return call("GET", "/api/v1/clusters/" + encode(id) + "/logs" + (rank == null ? "" : "?rank=" + rank), null, null,
                LogView.class);
    }

    public ClusterView extend(String id, int hours, String idempotencyKey) {
        return call("POST", "/api/v1/clusters/" + encode(id) + "/extend", new ExtendRequest(hours), idempotencyKey,
                ClusterView.class);
    }

    public ClusterView terminate(String id) {
        return call("POST", "/api/v1/clusters/" + encode(id) + "/terminate", null, null, ClusterView.class);
    }

    /** Idle devices meeting a query ("gpu=H100 vram>=80 region=eu-west"), grouped, sorted (price, -price, available, fp16). */
    public List<OfferView> offers(String query, String sort) {
        return call("GET", "/api/v1/offers?q=" + encode(query == null ? "" : query) + (sort == null ? "" : "&sort="
                + encode(sort)), null, null, OFFERS);
    }

    public NetworkStats networkStats() {
        return call("GET", "/api/v1/network/stats", null, null, NetworkStats.class);
    }

    /** The coordinator's Ed25519 public key that signs epoch records (public). */
    public PublicKey ledgerKey() {
        Map<?, ?> answer = call("GET", "/api/v1/ledger/key", null, null, Map.class);
        return AgentSignature.decodePublicKey(String.valueOf(answer.get("publicKey")));
    }

    /** Journal entries after a position, in order (public). */
    public List<JournalEntry> journal(long after, int limit) {
        return call("GET", "/api/v1/ledger/journal?after=" + after + "&limit=" + limit, null, null, JOURNAL);
    }

    /** The whole public journal, read page by page of {@link JournalEntry#PAGE_MAX}. */
    public List<JournalEntry> allJournal() {
        List<JournalEntry> all = new ArrayList<>();
        for (List<JournalEntry> page = journal(0, JournalEntry.PAGE_MAX); !page.isEmpty();
                page = page.size() < JournalEntry.PAGE_MAX ? List.of() : journal(page.getLast().seq(), JournalEntry.PAGE_MAX)) {
            all.addAll(page);
        }
        return all;
    }

    /** Every closed epoch's signed record, read page by page of {@link EpochRecord#PAGE_MAX}. */
    public List<EpochRecord> allEpochs() {
        List<EpochRecord> all = new ArrayList<>();
        for (List<EpochRecord> page = epochs(0, EpochRecord.PAGE_MAX); !page.isEmpty();
                page = page.size() < EpochRecord.PAGE_MAX ? List.of()
                        : epochs(page.getLast().epoch() + 1, EpochRecord.PAGE_MAX)) {
            all.addAll(page);
        }
        return all;
    }

    /** Closed epochs' signed records from an epoch on (public). */
    public List<EpochRecord> epochs(long from, int limit) {
        return call("GET", "/api/v1/ledger/epochs?from=" + from + "&limit=" + limit, null, null, EPOCHS);
    }

    /** One ledger account's balance at the close of an epoch, with its Merkle path to the signed root (public). */
    public BalanceTree.Proof balanceProof(String ledgerAccount, long epoch) {
        return call("GET", "/api/v1/ledger/proof?account=" + encode(ledgerAccount) + "&epoch=" + epoch, null, null,
                BalanceTree.Proof.class);
    }

    /** Balances in USD, IO and IOSD, escrow, earnings, IO rewards, and the IO price. */
    public WalletView wallet() {
        return call("GET", "/api/v1/wallet", null, null, WalletView.class);
    }

    /** Burns this much IO at the oracle price for IOSD; a repeated idempotency key mints once. */
    public WalletView mintIosd(String io, String idempotencyKey) {
        return call("POST", "/api/v1/wallet/mint-iosd", new IoAmount(io), idempotencyKey, WalletView.class);
    }

    /** Admin only: sets the IO/USD price (USD per whole IO). */
    public OraclePrice setIoPrice(String usdPerIo) {
        return call("POST", "/api/v1/admin/oracle", new OracleUpdate(usdPerIo), null, OraclePrice.class);
    }

    /** Sets a device's security and connectivity tiers (admin key). */
    public void setTiers(String deviceId, int securityTier, int connectivityTier) {
        call("POST", "/api/v1/admin/devices/" + encode(deviceId) + "/tiers", new TierUpdate(securityTier,
                connectivityTier), null, Map.class);
    }

    /** Admin only: reports a customer for abuse or a dispute it lost ("abuse" or "dispute"), optionally about a cluster. */
    public ReportView reportAccount(String accountId, String kind, String reason, String clusterId) {
        return call("POST", "/api/v1/admin/accounts/" + encode(accountId) + "/reports",
                new ReportRequest(kind, reason, clusterId), null, ReportView.class);
    }

    /** Admin only: moves IO from the community allocation to the market maker that sells IO for the buy-and-burn. */
    public void fundMarketMaker(String io, String idempotencyKey) {
        call("POST", "/api/v1/admin/market-maker", new IoAmount(io), idempotencyKey, Map.class);
    }

    /** The IO/USD price history, newest first (public). */
    public List<OraclePrice> ioPrices(int limit) {
        return call("GET", "/api/v1/oracle?limit=" + limit, null, null, PRICES);
    }

    /** Stakes IO on an account; a repeated idempotency key stakes once. */
    public StakeView stake(String onAccountId, String io, String idempotencyKey) {
        return call("POST", "/api/v1/stakes", new StakeRequest(onAccountId, io), idempotencyKey, StakeView.class);
    }

    /** Stakes the caller made or that back it. */
    public List<StakeView> stakes() {
        return call("GET", "/api/v1/stakes", null, null, STAKES);
    }

    /** Stops a stake; its IO comes back after the cool-down. */
    public StakeView unstake(String stakeId) {
        return call("POST", "/api/v1/stakes/" + encode(stakeId) + "/unstake", null, null, StakeView.class);
    }

    /** Sets the percent (1 to 3) of the caller's rewards that goes to the IO staked on it. */
    public void setStakerShare(int percent) {
        call("PUT", "/api/v1/account/staker-share", new StakerShareUpdate(percent), null, Map.class);
    }

    /** The caller's devices' availability rewards per epoch, newest first. */
    public List<RewardView> rewards(int limit) {
        return call("GET", "/api/v1/rewards?limit=" + limit, null, null, REWARDS);
    }

    private <T> T call(String method, String path, Object body, String idempotencyKey, Class<T> type) {
        return parse(send(method, path, body, idempotencyKey), type);
    }

    private <T> T call(String method, String path, Object body, String idempotencyKey, TypeReference<T> type) {
        byte[] answer = send(method, path, body, idempotencyKey);
        try {
            return Json.mapper().readerFor(type)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(answer);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from " + path, e);
        }
    }

    private byte[] send(String method, String path, Object body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(REQUEST_TIMEOUT);
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request as JSON", e);
        }
        request.header("Content-Type", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(unreachable(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + path, e);
        }
        if (response.statusCode() / 100 != 2) {
            ApiError error;
            try {
                error = Json.readAnswer(response.body(), ApiError.class);
            } catch (IOException e) {
                error = new ApiError("http_" + response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            }
            throw new CorralException(response.statusCode(), error.error(), error.message());
        }
        return response.body();
    }

    /** Why the coordinator could not be reached, with what to do when its certificate was the reason. */
    private String unreachable(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServerTrust.CertificateChangedException changed) {
                return changed.getMessage();
            }
        }
        if (e instanceof SSLHandshakeException) {
            return "cannot reach the coordinator at " + server + ": its TLS certificate was refused (" + e.getMessage()
                    + "). A coordinator's own certificate is signed by no CA: pin the fingerprint 'corral server' "
                    + "printed (--fingerprint), give its certificate as a CA file (--ca-file), or trust it on first use";
        }
        if (e instanceof ConnectException) {
            return "cannot reach the coordinator at " + server + ": nothing answers there (is it running, and are the "
                    + "host and port right?)";
        }
        return "cannot reach the coordinator at " + server + ": " + (e.getMessage() != null ? e.getMessage() : e);
    }

    private static <T> T parse(byte[] body, Class<T> type) {
        try {
            return Json.readAnswer(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable answer from the coordinator", e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
