package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.TestRegistry;
import dev.corral.core.Json;
import dev.corral.e2e.TestNetwork;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `corral` commands against a real coordinator (on the embedded store), as a person would type them. */
class CliTest extends OnTestNetwork {
    Run corral(String... args) {
        return Run.corral(args);
    }

    @Test
    void aPersonCreatesAccountsJoinsADeviceDeploysAndReadsTheLogs() throws Exception {
        String server = network.url.toString();
        Run supplier = corral("account", "create", "sam", "--server", server, "--json");
        assertThat(supplier.exit()).isZero();
        String samKey = Json.mapper().readTree(supplier.out()).get("apiKey").asText();
        Run token = corral("device", "join-token", "--server", server, "--key", samKey);
        assertThat(token.out()).contains("corral worker --server " + server + " --join-token cjt_");
        network.agent(network.anonymous.withKey(samKey));
        network.awaitIdleDevices(1);
        assertThat(corral("device", "list", "--server", server, "--key", samKey).out()).contains("IDLE").contains("CPU");

        Run alice = corral("account", "create", "alice", "--server", server);
        assertThat(alice.out()).contains("API key (shown once, keep it): ck_");
        String aliceKey = find(alice.out(), "API key \\(shown once, keep it\\): (ck_\\S+)");
        String aliceId = find(alice.out(), "account (acc_\\w+)");
        assertThat(corral("admin", "credit", aliceId, "2.50", "--server", server, "--key", TestNetwork.ADMIN_KEY).out())
                .contains("credited 2.50 USD");
        assertThat(corral("account", "show", "--server", server, "--key", aliceKey).out()).contains("available 2.50 USD");
        assertThat(corral("quote", "--cpu", "--count", "1", "--hours", "3", "--server", server, "--key", aliceKey).out())
                .contains("0.12 USD").contains("utilisation 0.800 (0% hired)").contains("--quote quo_").contains("1 matching devices idle now");

        Run deploy = corral("deploy", "--cpu", "--count", "1", "--hours", "1", "--type", "process",
                "--cmd", "echo hello from $CORRAL_RANK; sleep 2",
                "--server", server, "--key", aliceKey);
        assertThat(deploy.exit()).as(deploy.err()).isZero();
        assertThat(deploy.out()).contains("1 devices placed").contains("state RUNNING");
        String cluster = find(deploy.out(), "cluster (clu_\\w+)");
        network.awaitState(network.anonymous.withKey(aliceKey), cluster, "COMPLETED");
        assertThat(corral("logs", cluster, "--server", server, "--key", aliceKey).out()).contains("[0] hello from 0");
        assertThat(corral("cluster", cluster, "--server", server, "--key", aliceKey).out()).contains("COMPLETED")
                .contains("rank 0 on dev_");
        assertThat(corral("clusters", "--server", server, "--key", aliceKey).out()).contains(cluster);
        assertThat(corral("transfers", "--server", server, "--key", aliceKey).out()).contains("ESCROW_HOLD")
                .contains("DEPOSIT");

        Run again = corral("terminate", cluster, "--server", server, "--key", aliceKey);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("error: cluster " + cluster + " has already ended (COMPLETED) (409 conflict)");
        assertThat(corral("cluster", cluster, "--server", server, "--key", samKey).err()).contains("404 not_found");
        assertThat(corral("network", "--server", server).out()).contains("balances sum to 0");

        Run made = corral("account", "key-create", "notebook", "--server", server, "--key", aliceKey);
        String notebookKey = find(made.out(), "shown once, keep it: (ck_\\S+)");
        String keyId = find(made.out(), "API key (key_\\w+)");
        assertThat(corral("account", "show", "--server", server, "--key", notebookKey).out()).contains("available");
        assertThat(corral("account", "keys", "--server", server, "--key", aliceKey).out()).contains(keyId)
                .contains("notebook").doesNotContain(notebookKey);
        assertThat(corral("account", "key-revoke", keyId, "--server", server, "--key", aliceKey).out())
                .contains("revoked " + keyId);
        assertThat(corral("account", "show", "--server", server, "--key", notebookKey).err()).contains("401");
    }

    @Test
    void aContainerDeployShowsItsImagePullAndNeverItsCredentials(@TempDir Path scratch) throws Exception {
        String server = network.url.toString();
        network.supplierWithDevices("sam", 1);
        Run alice = corral("account", "create", "alice", "--server", server, "--json");
        String key = Json.mapper().readTree(alice.out()).get("apiKey").asText();
        corral("admin", "credit", Json.mapper().readTree(alice.out()).get("accountId").asText(), "5", "--server", server,
                "--key", TestNetwork.ADMIN_KEY);
        String token = "registry-token-" + UUID.randomUUID();
        try (TestRegistry registry = TestRegistry.start("corral-test/cli", "1", 6 << 20, 2 << 20,
                Optional.of("alice"), Optional.of(token), scratch)) {
            Run deploy = corral("deploy", "--cpu", "--count", "1", "--hours", "1", "--image", registry.image(),
                    "--registry-auth", "alice:" + token, "--cmd", "sleep 300", "--server", server, "--key", key);

            assertThat(deploy.exit()).as(deploy.err()).isZero();
            assertThat(deploy.out()).containsPattern("PULLING \\d+\\.\\d MB of \\d+\\.\\d MB")
                    .contains("state RUNNING").doesNotContain(token);
            String cluster = find(deploy.out(), "cluster (clu_\\w+)");
            assertThat(corral("cluster", cluster, "--server", server, "--key", key).out())
                    .contains("image      " + registry.image() + ", registry credentials given").doesNotContain(token);
            assertThat(corral("cluster", cluster, "--server", server, "--key", key, "--json").out()).doesNotContain(token);
            corral("terminate", cluster, "--server", server, "--key", key);
        }
        Run bad = corral("deploy", "--cpu", "--count", "1", "--hours", "1", "--image", "busybox",
                "--registry-auth", "no-colon", "--server", server, "--key", key);
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--registry-auth takes USER:TOKEN");
    }

    @Test
    void everyCommandHasHelpAndBadUsageSaysWhatIsWrong() {
        for (String command : List.of("demo", "server", "worker", "account", "admin", "device", "quote", "deploy",
                "clusters", "cluster", "logs", "extend", "terminate", "transfers", "network", "token", "ledger", "rewards", "wallet", "oracle", "stake", "bench", "offers")) {
            Run help = corral(command, "--help");
            assertThat(help.exit()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: corral " + command);
        }
        Run bad = corral("deploy", "--count", "1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("Missing required");
    }

    @Test
    void theTokenScheduleEndsExactlyOnTheCapAfterTwentyYears() {
        Run years = corral("token", "schedule");
        assertThat(years.exit()).isZero();
        assertThat(years.out()).contains("1          37970635.957333174")
                .contains("20          3666623.785409221    300000000.000000000    800000000.000000000 100.000%");
        assertThat(corral("token", "schedule", "--by", "month").out().lines().count()).isEqualTo(242);
        assertThat(corral("token", "schedule", "--by", "week").err()).contains("--by must be month or year");
    }

    @Test
    void theDeployBenchmarkTimesEachRoundOverAgentsInAnotherProcess() {
        Run bench = corral("bench", "deploy", "--devices", "3", "--agent-processes", "1", "--rounds", "2",
                "--rest-seconds", "1", "--rank-command", "sleep 300");
        assertThat(bench.exit()).as(bench.err()).isZero();
        assertThat(bench.out()).contains("3 agents in 1 agent processes").contains("round 1 of 2 (every process just started")
                .contains("round 2 of 2:").contains("ranks started after creation: rank 0");
        assertThat(bench.out().lines().filter(l -> l.contains("deploy of 3 devices: the call took")).count()).isEqualTo(2);
        assertThat(bench.out().lines().filter(l -> l.contains("terminate call")).count()).isEqualTo(2);
        assertThat(bench.out()).containsPattern("CPU used until RUNNING: coordinator \\d+\\.\\d s, agent processes "
                + "\\d+\\.\\d s, everything else \\(the ranks' own processes, the kernel\\) \\d+\\.\\d s, of \\d+ cores");
        assertThat(bench.out()).containsPattern("CPU used at rest \\(0 work polls answered and 0 heartbeats a second\\): "
                + "coordinator \\d+\\.\\d s");
        assertThat(bench.out()).containsPattern("floor: 3 processes of the rank command started directly from this "
                + "process in \\d+\\.\\d\\d s");
        assertThat(bench.out().lines().filter(l -> l.matches("  ratio \\(RUNNING after the call / floor\\) "
                + "\\d+\\.\\d")).count()).isEqualTo(2);

        Run bad = corral("bench", "deploy", "--rounds", "0");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--rounds must be 1..10");
        assertThat(corral("bench", "deploy", "--rank-command", " ").err()).contains("--rank-command must not be empty");
    }

    @Test
    void theLedgerBenchmarkPrintsEachMeasurementBesideItsFloorOnTheSameRows() {
        Run bench = corral("bench", "ledger", "--cluster-devices", "20", "--epoch-devices", "30", "--transfers", "500");
        assertThat(bench.exit()).as(bench.err()).isZero();
        assertThat(bench.out()).containsPattern("settle a 20-device cluster +\\d+ transfers in +\\d+\\.\\d{3} s = +\\d+ "
                + "transfers/s, peak heap +\\d+ MB; floor +\\d+\\.\\d{3} s = +\\d+ rows/s, ratio \\d+\\.\\d");
        assertThat(bench.out()).containsPattern("close an epoch with 30 devices earning .*; floor .* ratio \\d+\\.\\d");
        assertThat(bench.out()).containsPattern("apply 500 transfers, 10000 per transaction +500 transfers .*; floor .* "
                + "ratio \\d+\\.\\d");
        assertThat(bench.out()).contains("floor: the same journal rows written again by H2 INSERT ... SELECT");
    }

    private static String find(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("%s in %s", regex, text).isTrue();
        return matcher.group(1);
    }
}
