package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.Json;
import dev.corral.core.api.AccountCreated;
import dev.corral.server.http.RateLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abuse found by trying the API as an attacker would, re-run: 100 anonymous sign-ups in half
 * a second with no 429, a sign-up that told whether a name was taken, and a referral code that
 * was the first 12 hex digits of its account's id.
 */
class AbuseLimitsTest {
    /** Small limits that refill slowly, so a test reaches them in a few calls and they do not refill meanwhile. */
    private static final RateLimits.Policy SMALL = new RateLimits.Policy(
            Optional.of(new RateLimits.Limit(3, 0.01)), Optional.of(new RateLimits.Limit(12, 0.01)),
            Optional.of(new RateLimits.Limit(5, 0.01)));

    @TempDir
    Path directory;
    private TestNetwork network;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        http.close();
        if (network != null) {
            network.close();
        }
    }

    @Test
    void theDefaultLimitsTurnAwayAHundredSignUpsFromOneAddressWithRetryAfter() throws Exception {
        network = TestNetwork.withRateLimits(TestNetwork.Store.H2, directory, RateLimits.Policy.DEFAULT);
        int created = 0;
        HttpResponse<String> refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            HttpResponse<String> answer = signUp("bot" + i);
            if (answer.statusCode() == 201) {
                created++;
            } else {
                refused = answer;
            }
        }

        assertThat(created).isEqualTo(RateLimits.Policy.DEFAULT.signUps().orElseThrow().burst());
        assertTooMany(refused, "sign-ups from this address");
        assertTooMany(http.send(HttpRequest.newBuilder(URI.create(network.url + "/api/v1/accounts/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()), "sign-ups from this address");
    }

    @Test
    void everyCallCountsAgainstItsAddressAndAKeyedCallAgainstItsKeyToo() throws Exception {
        network = TestNetwork.withRateLimits(TestNetwork.Store.H2, directory, SMALL);
        AccountCreated alice = network.anonymous.createAccount("alice");
        AccountCreated bob = network.anonymous.createAccount("bob");
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/v1/account", alice.apiKey()).statusCode()).isEqualTo(200);
        }
        assertTooMany(get("/api/v1/account", alice.apiKey()), "calls with this API key");
        assertThat(get("/api/v1/account", bob.apiKey()).statusCode()).as("another key has its own").isEqualTo(200);

        int served = 0;
        HttpResponse<String> answer;
        while ((answer = get("/api/v1/network/stats", "Bearer made-up-" + served)).statusCode() == 200) {
            served++;
        }
        assertThat(served).as("a made-up key is no way around the address's limit: 12 calls, 7 spent above")
                .isEqualTo(5);
        assertTooMany(answer, "calls from this address");
        assertThat(get("/healthz", null).statusCode()).as("health checks are not limited").isEqualTo(200);
    }

    @Test
    void aSignUpDoesNotTellWhetherANameIsTakenAndReferralCodesAreNotIds() throws Exception {
        network = TestNetwork.on(TestNetwork.Store.H2, directory);
        AccountCreated first = network.anonymous.createAccount("alice");
        AccountCreated second = network.anonymous.createAccount("alice");

        assertThat(second.accountId()).isNotEqualTo(first.accountId());
        assertThat(second.name()).isEqualTo("alice");
        for (AccountCreated account : new AccountCreated[] {first, second}) {
            String idHex = account.accountId().substring(account.accountId().indexOf('_') + 1);
            assertThat(account.referralCode()).matches("ref-[0-9a-f]{20}").doesNotContain(idHex.substring(0, 8));
        }
        AccountCreated referred = network.anonymous.createAccount("carol", second.referralCode());
        assertThat(referred.accountId()).isNotBlank();
    }

    private HttpResponse<String> signUp(String name) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(network.url + "/api/v1/accounts"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(network.url + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertTooMany(HttpResponse<String> answer, String what) throws Exception {
        assertThat(answer).as("a refusal").isNotNull();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
        assertThat(Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow())).isPositive();
        JsonNode error = Json.mapper().readTree(answer.body());
        assertThat(error.get("error").asText()).isEqualTo("rate_limited");
        assertThat(error.get("message").asText()).contains(what);
    }
}
