package dev.corral.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Json;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.scheduler.OfferQuery;
import dev.corral.sdk.CorralClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a 4xx with a JSON error that says what is wrong, and changes nothing. */
class BadInputTest extends NetworkTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private String aliceKey;
    private String deviceId;

    @BeforeEach
    void aliceHasADevice() throws Exception {
        var created = network.anonymous.createAccount("alice");
        aliceKey = created.apiKey();
        network.admin.credit(created.accountId(), "5", "fund");
        deviceId = network.agent(network.anonymous.withKey(aliceKey)).deviceId().value();
        network.awaitIdleDevices(1);
    }

    @Test
    void malformedUnknownNegativeHugeAndOversizedInputIsRefusedClearly() throws Exception {
        CorralClient alice = network.anonymous.withKey(aliceKey);
        NetworkStats before = network.anonymous.networkStats();

        expect(post("/api/v1/accounts", "{\"name\": \"bob\"", null), 400, "malformed JSON");
        expect(post("/api/v1/accounts", "{\"name\": \"bob\", \"admin\": true}", null), 400,
                "unknown field 'admin'; known fields: name");
        expect(post("/api/v1/accounts", "[]", null), 400, "wrong JSON shape");
        expect(post("/api/v1/accounts", "null", null), 400, "JSON object is required");
        expect(post("/api/v1/accounts", "{\"name\": \"no spaces allowed\"}", null), 400, "name must be");
        expect(post("/api/v1/accounts", "", null), 400, "JSON body is required");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": -1, \"hours\": 1, \"cmd\": \"true\"}", aliceKey), 400,
                "count must be 1..");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 99999999999, \"cmd\": \"true\"}",
                aliceKey), 400, "number out of range at 'hours'");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": \"two\", \"hours\": 1, \"cmd\": \"true\"}", aliceKey),
                400, "wrong JSON shape at 'count'");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 100000, \"cmd\": \"true\"}", aliceKey),
                400, "hours must be 1..8760");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"gpu\": \"H100\", \"count\": 1, \"hours\": 1, \"cmd\": \"x\"}",
                aliceKey), 400, "either a GPU model");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 1, \"cmd\": \"true\", "
                + "\"env\": {\"CORRAL_RANK\": \"7\"}}", aliceKey), 400, "reserved");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 1, \"cmd\": \"true\", "
                + "\"type\": \"vm\"}", aliceKey), 400, "type must be 'container' (the default) or 'process'");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 1, \"cmd\": \"\"}", aliceKey), 400,
                "cmd must be");
        // A where of the longest length a query may have, and a disk condition added to it, that a device meets:
        // refused, not a 500 from the store.
        alice.updateDevice(deviceId, new DeviceUpdate(null, null, null, "AA", null));
        StringBuilder countries = new StringBuilder("country in ");
        for (int i = 0; countries.length() + 3 <= OfferQuery.LENGTH_MAX; i++) {
            countries.append(i == 0 ? "" : ",").append((char) ('A' + i / 26)).append((char) ('A' + i % 26));
        }
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 1, \"where\": \"" + countries
                + "\", \"container\": {\"image\": \"busybox\", \"diskGb\": 10}}", aliceKey), 400, "where:");
        expect(send("PATCH", "/api/v1/devices/" + deviceId, "{\"rewardSplitIoPercent\": 150}", aliceKey), 400, "0..100");
        expect(send("PATCH", "/api/v1/devices/" + deviceId, "{\"minPricePerHour\": \"-1\"}", aliceKey), 400, "negative");
        expect(post("/api/v1/quotes", "{\"cpu\": true, \"count\": 1}", aliceKey), 400, "count and hours are required");
        expect(post("/api/v1/quotes", "{\"cpu\": true, \"count\": 1, \"hours\": 1, \"cmd\": \"x\"}", aliceKey), 400, "");
        expect(send("GET", "/api/v1/transfers?limit=100000", null, aliceKey), 400, "limit must be");
        expect(send("GET", "/api/v1/ledger/journal?limit=4294967297", null, null), 400, "limit is out of range");
        expect(send("GET", "/api/v1/ledger/epochs?from=x", null, null), 400, "from must be a whole number");
        expect(post("/api/v1/clusters", "{\"cpu\": true, \"count\": 1, \"hours\": 1, \"cmd\": \"" + "x".repeat(2_000_000)
                + "\"}", aliceKey), 413, "over the limit of 1048576 bytes");
        expect(send("GET", "/api/v1/clusters/clu_00000000000000000000", null, aliceKey), 404, "no cluster");
        expect(send("GET", "/api/v1/clusters/not-an-id", null, aliceKey), 404, "no cluster");
        expect(send("GET", "/api/v1/clusters/clu_00000000000000000000?ranks=maybe", null, aliceKey), 400,
                "ranks must be true or false");
        expect(send("GET", "/api/v1/devices/../../etc", null, aliceKey), 404, "");
        expect(send("GET", "/api/v1/nothing-here", null, aliceKey), 404, "no such endpoint");

        String admin = TestNetwork.ADMIN_KEY;
        for (String amount : new String[] {"-5", "1e30", "abc", "0", "0.0000001"}) {
            expect(post("/api/v1/admin/credits", "{\"accountId\": \"" + alice.account().accountId()
                    + "\", \"amountUsd\": \"" + amount + "\"}", admin), 400, "");
        }
        expect(post("/api/v1/admin/credits", "{\"accountId\": \"acc_00000000000000000000\", \"amountUsd\": \"5\"}",
                admin), 404, "no account");

        NetworkStats after = network.anonymous.networkStats();
        assertThat(after.ledger()).isEqualTo(before.ledger());
        assertThat(alice.clusters()).isEmpty();
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000);
        assertThat(alice.device(deviceId).rewardSplitIoPercent()).isZero();
        assertThat(alice.device(deviceId).minPricePerHour().minor()).isZero();
    }

    private HttpResponse<String> post(String path, String body, String key) throws Exception {
        return send("POST", path, body, key);
    }

    private HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(network.url.resolve(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, UTF_8));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private static void expect(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.request().uri() + ": " + response.body()).isEqualTo(status);
        var error = Json.mapper().readTree(response.body());
        assertThat(error.get("error").asText()).isNotBlank();
        assertThat(error.get("message").asText()).as(response.body()).contains(messagePart);
    }
}
