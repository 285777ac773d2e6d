package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.DeviceView;
import dev.corral.core.api.LogView;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.TransferView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import dev.corral.server.CoordinatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ClusterLifecycleTest extends NetworkTest {
    /** A CPU device-hour at the oracle's price for an idle pool: 0.05 USD base x 0.8. */
    static final long CPU_PRICE_MICROS = 40_000;
    /** Long enough for an agent's report that follows a rank's exit to arrive over loopback. */

    /** A customer and its running cluster. */
    private record Running(CorralClient customer, WorkerAgent agent, ClusterView cluster) {}

    /** One supplier device and a customer with $5 whose 1-device cluster of this many hours is running. */
    private Running runningCluster(int hours) throws Exception {
        WorkerAgent agent = network.offeredAgents(network.customer("supplier", null), 1).getFirst();
        CorralClient customer = network.customer("alice", "5");
        ClusterView deployed = customer.deploy(cpu(1, hours, "sleep 300"), null);
        return new Running(customer, agent, network.awaitState(customer, deployed.clusterId(), "RUNNING"));
    }

    /**
     * A rank's gross pay by the published rule (docs/economics.md), from the cluster's view alone:
     * its price for each whole second from RUNNING until the rank's service ended (its loss, else
     * the cluster's end), at most the paid time, floored to the base unit.
     */
    static long grossOf(ClusterView cluster, ClusterView.RankView rank) {
        if (cluster.runningAt() == null) {
            return 0;
        }
        Instant end = rank.state().equals("LOST") ? rank.endedAt() : cluster.endedAt();
        long served = Math.min(Math.max(0, Duration.between(cluster.runningAt(), end).toSeconds()),
                cluster.hours() * 3600L);
        return cluster.pricePerDeviceHour().minor() * served / 3600;
    }

    /** What the supplier receives of a gross pay: all but the 5% network fee, the fee floored. */
    static long netOf(long gross) {
        return gross - gross * 500 / 10_000;
    }

    /** The cluster's whole charge by the published rule. */
    static long chargeOf(ClusterView cluster) {
        return cluster.ranks().stream().mapToLong(rank -> grossOf(cluster, rank)).sum();
    }

    static DeployRequest cpu(int count, int hours, String cmd) {
        return new DeployRequest(null, null, true, null, count, hours, null, "process", cmd, Map.of(), null, null);
    }

    /** The agent looks for a quiet rank's output ever less often (up to every 2 s), yet ships it while the rank runs. */
    @Test
    void whatARankPrintsAfterAQuietSpellReachesTheLogsWhileItStillRuns() throws Exception {
        network.supplierWithDevices("supplier", 1);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(1, 1, "echo first; sleep 3; echo after a quiet spell; sleep 300"), null);
        network.awaitState(alice, deployed.clusterId(), "RUNNING");

        TestNetwork.await("the line printed after 3 quiet seconds", () -> alice.logs(deployed.clusterId(), null).lines()
                .stream().anyMatch(line -> line.line().equals("after a quiet spell")));

        assertThat(alice.logs(deployed.clusterId(), null).lines()).extracting(LogView.LogLine::line)
                .containsExactly("first", "after a quiet spell");
        assertThat(alice.clusterSummary(deployed.clusterId()).state()).as("the rank still runs").isEqualTo("RUNNING");
    }

    @Test
    void aClusterRunsEveryRankWithItsEnvironmentCompletesAndPaysForServedSeconds() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");

        ClusterView deployed = alice.deploy(new DeployRequest(null, null, true, null, 2, 1, null, "process",
                "echo secret=${AGENT_SECRET:-none} home=$HOME mine=$MINE; echo rank=$CORRAL_RANK world=$CORRAL_WORLD_SIZE "
                + "cluster=$CORRAL_CLUSTER_ID head=$CORRAL_HEAD_ADDR peers=$CORRAL_PEERS; sleep 2",
                Map.of("MINE", "yes"), null, null), null);
        assertThat(deployed.escrowHeld().minor()).isEqualTo(2 * CPU_PRICE_MICROS);
        network.awaitState(alice, deployed.clusterId(), "RUNNING");
        ClusterView summary = alice.clusterSummary(deployed.clusterId());
        assertThat(summary.state()).isEqualTo("RUNNING");
        assertThat(summary.ranksStarted()).isEqualTo(2);
        assertThat(summary.ranks()).as("asked for without its ranks").isEmpty();
        assertThat(alice.clusters()).singleElement().satisfies(listed -> {
            assertThat(listed.ranksStarted()).isEqualTo(2);
            assertThat(listed.ranks()).as("the list leaves the ranks out").isEmpty();
        });
        network.clock.advance(Duration.ofMinutes(30));
        ClusterView done = network.awaitState(alice, deployed.clusterId(), "COMPLETED", "FAILED");

        assertThat(done.state()).isEqualTo("COMPLETED");
        assertThat(done.ranks()).hasSize(2).allSatisfy(rank -> assertThat(rank.exitCode()).isZero());
        assertThat(done.ranksStarted()).isEqualTo(2);
        LogView logs = alice.logs(done.clusterId(), null);
        assertThat(logs.lines()).extracting(LogView.LogLine::line).anySatisfy(line -> assertThat(line)
                .startsWith("rank=0 world=2 cluster=" + done.clusterId() + " head=127.0.0.1:")
                .endsWith("peers=127.0.0.1,127.0.0.1"));
        assertThat(logs.lines()).extracting(LogView.LogLine::line).anyMatch(line -> line.startsWith("rank=1 world=2"));
        assertThat(System.getenv("AGENT_SECRET")).as("the agents' environment holds a secret").isEqualTo("s3cret");
        assertThat(logs.lines()).extracting(LogView.LogLine::line).filteredOn(line -> line.startsWith("secret="))
                .hasSize(2).allSatisfy(line -> assertThat(line).startsWith("secret=none home=/").endsWith(" mine=yes"));
        assertThat(alice.logs(done.clusterId(), 1).lines()).isNotEmpty().allMatch(line -> line.rank() == 1);

        long servedSeconds = Duration.between(done.runningAt(), done.endedAt()).toSeconds();
        assertThat(servedSeconds).isBetween(1800L, 1900L);
        long perDevice = CPU_PRICE_MICROS * servedSeconds / 3600;
        assertThat(perDevice).isGreaterThan(CPU_PRICE_MICROS / 2);
        assertThat(done.charged().minor()).isEqualTo(2 * perDevice);
        assertThat(done.refunded().minor()).isEqualTo(done.escrowHeld().minor() - done.charged().minor());
        AccountView supplierAccount = supplier.account();
        assertThat(supplierAccount.earned().minor()).isEqualTo(2 * (perDevice - perDevice * 5 / 100));
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - done.charged().minor());
        assertThat(alice.account().heldInEscrow().minor()).isZero();
        String supplierId = supplierAccount.accountId();
        assertThat(alice.transfers(50)).extracting(TransferView::kind)
                .contains("DEPOSIT", "ESCROW_HOLD", "SUPPLIER_PAYMENT", "NETWORK_FEE", "REFUND");
        assertThat(alice.transfers(50)).isNotEmpty().allSatisfy(t -> assertThat(t.debitAccount() + t.creditAccount())
                .doesNotContain(supplierId));
        assertThat(supplier.transfers(50)).extracting(TransferView::kind).containsOnly("SUPPLIER_PAYMENT");
        NetworkStats stats = network.anonymous.networkStats();
        assertThat(stats.ledger().getFirst().networkFeesMinor()).isEqualTo(2 * (perDevice * 5 / 100));
        network.awaitIdleDevices(2);
        String metrics = new RawAgent(network.url, network.clock).send("GET", "/metrics", new byte[0], Map.of()).body();
        assertThat(metrics).contains("corral_clusters_deployed_total 1.0")
                .contains("corral_clusters_ended_total{state=\"COMPLETED\"} 1.0")
                .contains("corral_rank_exit_reports_total 2.0")
                .contains("corral_devices_idle 2.0");
    }

    @Test
    void aRankThatFailsFailsTheClusterWithTheReasonAndStopsTheOthers() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");

        ClusterView deployed = alice.deploy(cpu(2, 1, "if [ \"$CORRAL_RANK\" = 1 ]; then sleep 1; exit 3; fi; sleep 60"),
                null);
        ClusterView failed = network.awaitState(alice, deployed.clusterId(), "FAILED", "COMPLETED");

        assertThat(failed.state()).isEqualTo("FAILED");
        assertThat(failed.reason()).isEqualTo("rank 1 exited with code 3");
        network.awaitIdleDevices(2);
        assertThat(supplier.devices()).extracting(DeviceView::status).containsOnly("IDLE");
        // paid for the seconds served until the failure, the rest refunded, to the base unit
        long charged = chargeOf(failed);
        assertThat(failed.charged().minor()).isEqualTo(charged);
        assertThat(failed.refunded().minor()).isEqualTo(2 * CPU_PRICE_MICROS - charged);
        assertThat(supplier.account().earned().minor()).isEqualTo(failed.ranks().stream()
                .mapToLong(rank -> netOf(grossOf(failed, rank))).sum());
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - charged);
        assertThat(alice.account().heldInEscrow().minor()).isZero();
    }

    @Test
    void anAgentOnAnotherPortOfTheCoordinatorServesAClusterLikeAnyOther() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        WorkerAgent agent = network.agentOnExtraPort(supplier);
        network.awaitIdleDevices(1);
        CorralClient alice = network.customer("alice", "5");

        ClusterView deployed = alice.deploy(cpu(1, 1, "echo via the other port"), null);

        ClusterView done = network.awaitState(alice, deployed.clusterId(), "COMPLETED");
        assertThat(done.ranks()).singleElement().satisfies(rank -> assertThat(rank.deviceId())
                .isEqualTo(agent.deviceId().value()));
        assertThat(alice.logs(deployed.clusterId(), null).lines()).extracting(LogView.LogLine::line)
                .containsExactly("via the other port");
    }

    @Test
    void terminatingStopsTheRanksWithoutExitReportsAndRefundsTheUnusedTimeToTheSecond() throws Exception {
        Running running = runningCluster(2);
        CorralClient alice = running.customer();
        ClusterView deployed = running.cluster();

        network.clock.advance(Duration.ofMinutes(30));
        ClusterView ended = alice.terminate(deployed.clusterId());

        assertThat(ended.state()).isEqualTo("TERMINATED");
        long served = Duration.between(ended.runningAt(), ended.endedAt()).toSeconds();
        assertThat(served).isBetween(1800L, 1900L);
        assertThat(ended.charged().minor()).isEqualTo(CPU_PRICE_MICROS * served / 3600);
        assertThat(ended.refunded().minor()).isEqualTo(2 * CPU_PRICE_MICROS - ended.charged().minor());
        assertThatThrownBy(() -> alice.terminate(deployed.clusterId()))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(alice.cluster(deployed.clusterId()).charged()).isEqualTo(ended.charged());
        network.awaitIdleDevices(1);

        TestNetwork.await("the agent to stop the rank", () -> ProcessHandle.current().descendants()
                .noneMatch(process -> process.info().commandLine().orElse("").contains("sleep 300")));
        // The agent decides, once the process has ended, not to report its exit: the coordinator ended the rank.
        TestNetwork.await("the agent to let the rank's exit go unreported", () -> running.agent().exitsNotReported() == 1);
        assertThat(new RawAgent(network.url, network.clock).send("GET", "/metrics", new byte[0], Map.of()).body())
                .contains("corral_rank_exit_reports_total 0.0");
        assertThat(alice.cluster(deployed.clusterId()).ranks()).singleElement().satisfies(rank -> {
            assertThat(rank.state()).isEqualTo("STOPPED");
            assertThat(rank.exitCode()).isNull();
            assertThat(rank.endedAt()).isEqualTo(ended.endedAt());
        });
    }

    @Test
    void whenThePaidTimeRunsOutTheClusterExpiresAndThePaidTimeIsCharged() throws Exception {
        Running running = runningCluster(1);
        CorralClient alice = running.customer();
        ClusterView deployed = running.cluster();

        network.clock.advance(Duration.ofHours(1).plusSeconds(1));
        ClusterView expired = network.awaitState(alice, deployed.clusterId(), "EXPIRED");

        assertThat(expired.reason()).contains("paid time");
        assertThat(expired.charged().minor()).isEqualTo(CPU_PRICE_MICROS);
        assertThat(expired.refunded().minor()).isZero();
        network.awaitIdleDevices(1);
    }

    @Test
    void extendingHoldsMoreEscrowAndMovesTheEndOnceForARepeatedKey() throws Exception {
        Running started = runningCluster(1);
        CorralClient alice = started.customer();
        ClusterView running = started.cluster();

        ClusterView extended = alice.extend(running.clusterId(), 2, "extend-1");
        ClusterView again = alice.extend(running.clusterId(), 2, "extend-1");

        assertThat(extended.hours()).isEqualTo(3);
        assertThat(extended.escrowHeld().minor()).isEqualTo(3 * CPU_PRICE_MICROS);
        assertThat(extended.expiresAt()).isEqualTo(running.expiresAt().plus(Duration.ofHours(2)));
        assertThat(again.hours()).isEqualTo(3);
        assertThat(again.escrowHeld()).isEqualTo(extended.escrowHeld());
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - 3 * CPU_PRICE_MICROS);

        // past the first paid hour it runs on, and its end pays the 90 minutes served out of the 3 h held
        network.clock.advance(Duration.ofMinutes(90));
        ClusterView ended = alice.terminate(running.clusterId());
        assertThat(ended.state()).isEqualTo("TERMINATED");
        long charged = chargeOf(ended);
        assertThat(charged).isBetween(CPU_PRICE_MICROS * 3 / 2, CPU_PRICE_MICROS * 3 / 2 + CPU_PRICE_MICROS / 60);
        assertThat(ended.charged().minor()).isEqualTo(charged);
        assertThat(ended.refunded().minor()).isEqualTo(3 * CPU_PRICE_MICROS - charged);
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - charged);
        assertThat(alice.account().heldInEscrow().minor()).isZero();
    }

    @Test
    void aDeviceThatStopsRespondingWithNoneToReplaceItFailsItsClusterAndIsPaidOnlyUntilItWasLastSeen()
            throws Exception {
        CorralClient steady = network.customer("steady", null);
        CorralClient flaky = network.customer("flaky", null);
        network.agent(steady);
        WorkerAgent lost = network.agent(flaky);
        network.awaitIdleDevices(2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(2, 1, "sleep 300").withRecovery("fail", null), null);
        network.awaitState(alice, deployed.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(10));
        Instant advanced = network.clock.instant();
        TestNetwork.await("both devices seen since the clock moved", () -> Stream.of(steady, flaky)
                .allMatch(owner -> owner.devices().getFirst().lastSeenAt().isAfter(advanced)));

        lost.close();
        TestNetwork.await("the rank lost", () -> alice.cluster(deployed.clusterId()).replacements().size() == 1);
        ClusterView waiting = alice.cluster(deployed.clusterId());
        assertThat(waiting.state()).as("it waits for a device to take the rank").isEqualTo("RUNNING");
        assertThat(waiting.replacements().getFirst().replacedBy()).isNull();
        network.clock.advance(CoordinatorConfig.REPLACEMENT_WAIT_DEFAULT);
        ClusterView failed = network.awaitState(alice, deployed.clusterId(), "FAILED");

        assertThat(failed.reason()).isEqualTo("device " + lost.deviceId() + " stopped responding and no device took "
                + "its rank within " + CoordinatorConfig.REPLACEMENT_WAIT_DEFAULT.toSeconds() + " s");
        assertThat(failed.reasonCode()).isEqualTo("DEVICE_LOST");
        assertThat(failed.ranks()).extracting(ClusterView.RankView::reasonCode)
                .containsExactlyInAnyOrder("DEVICE_LOST", "DEVICE_LOST");
        assertThat(failed.ranks()).anySatisfy(rank -> assertThat(rank.state()).isEqualTo("LOST"));
        assertThat(flaky.account().earned().minor()).isPositive()
                .isLessThan(steady.account().earned().minor());
        // each paid to the base unit: the lost one until it was last seen, the other until the end
        ClusterView.RankView lostRank = failed.ranks().stream().filter(rank -> rank.state().equals("LOST"))
                .findFirst().orElseThrow();
        ClusterView.RankView keptRank = failed.ranks().stream().filter(rank -> rank != lostRank).findFirst()
                .orElseThrow();
        assertThat(lostRank.deviceId()).isEqualTo(lost.deviceId().value());
        assertThat(lostRank.endedAt()).isBefore(failed.endedAt());
        assertThat(flaky.account().earned().minor()).isEqualTo(netOf(grossOf(failed, lostRank)));
        assertThat(steady.account().earned().minor()).isEqualTo(netOf(grossOf(failed, keptRank)));
        assertThat(failed.charged().minor()).isEqualTo(grossOf(failed, lostRank) + grossOf(failed, keptRank));
        assertThat(failed.refunded().minor()).isEqualTo(2 * CPU_PRICE_MICROS - failed.charged().minor());
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - failed.charged().minor());
        assertThat(flaky.devices()).extracting(DeviceView::status).containsExactly("OFFLINE");
    }

    /**
     * Self-healing: a running cluster's device stops responding, and an idle device that meets
     * the request takes its rank at the same price; the lost device's supplier is paid until its
     * last heartbeat, the new one from its start, and the customer gets back every rank-second
     * not served.
     */
    @Test
    void aLostDevicesRankMovesToAnIdleDeviceAndEachSupplierIsPaidForTheStretchItServed() throws Exception {
        CorralClient steady = network.customer("steady", null);
        CorralClient flaky = network.customer("flaky", null);
        CorralClient spare = network.customer("spare", null);
        network.agent(steady);
        WorkerAgent lost = network.agent(flaky);
        network.awaitIdleDevices(2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(2, 1, "echo rank $CORRAL_RANK on duty; sleep 300"), null);
        assertThat(deployed.onDeviceLoss()).isEqualTo("replace");
        network.awaitState(alice, deployed.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(10));
        Instant advanced = network.clock.instant();
        TestNetwork.await("both devices seen since the clock moved", () -> Stream.of(steady, flaky)
                .allMatch(owner -> owner.devices().getFirst().lastSeenAt().isAfter(advanced)));
        WorkerAgent standby = network.agent(spare);
        network.awaitIdleDevices(1);

        lost.close();
        TestNetwork.await("the lost rank started on the spare device", () -> {
            ClusterView now = alice.cluster(deployed.clusterId());
            return now.replacements().size() == 1 && now.ranks().stream().allMatch(r -> r.state().equals("STARTED"));
        });
        ClusterView healed = alice.cluster(deployed.clusterId());
        ClusterView.Replacement replaced = healed.replacements().getFirst();
        ClusterView.RankView moved = healed.ranks().get(replaced.rank());
        assertThat(healed.state()).isEqualTo("RUNNING");
        assertThat(replaced.lostDeviceId()).isEqualTo(lost.deviceId().value());
        assertThat(replaced.replacedBy()).isEqualTo(standby.deviceId().value());
        assertThat(moved.deviceId()).isEqualTo(standby.deviceId().value());
        assertThat(replaced.lastSeenAt()).isAfter(advanced).isBefore(moved.startedAt());
        TestNetwork.await("the replacement's output after the lost device's", () -> alice.logs(deployed.clusterId(),
                replaced.rank()).lines().size() == 2);
        assertThat(alice.logs(deployed.clusterId(), replaced.rank()).lines()).extracting(LogView.LogLine::line)
                .containsExactly("rank " + replaced.rank() + " on duty", "rank " + replaced.rank() + " on duty");
        assertThat(flaky.devices().getFirst().status()).isEqualTo("OFFLINE");

        network.clock.advance(Duration.ofMinutes(20));
        ClusterView ended = alice.terminate(deployed.clusterId());
        assertThat(ended.reasonCode()).isEqualTo("TERMINATED_BY_OWNER");

        long price = ended.pricePerDeviceHour().minor();
        long lostGross = price * Duration.between(ended.runningAt(), replaced.lastSeenAt()).toSeconds() / 3600;
        long standbyGross = price * Duration.between(moved.startedAt(), ended.endedAt()).toSeconds() / 3600;
        long steadyGross = grossOf(ended, ended.ranks().get(1 - replaced.rank()));
        assertThat(flaky.account().earned().minor()).isEqualTo(netOf(lostGross));
        assertThat(spare.account().earned().minor()).isEqualTo(netOf(standbyGross));
        assertThat(steady.account().earned().minor()).isEqualTo(netOf(steadyGross));
        assertThat(ended.charged().minor()).isEqualTo(lostGross + standbyGross + steadyGross);
        assertThat(ended.refunded().minor()).isEqualTo(2 * price - ended.charged().minor());
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000 - ended.charged().minor());
    }

    /**
     * The head's device is lost: another device takes rank 0, and the other ranks, told its new
     * address, start again with it (as torchrun restarts its workers when the group changes).
     */
    @Test
    void whenTheHeadIsLostTheOtherRanksStartAgainWithTheNewHeadsAddress() throws Exception {
        List<WorkerAgent> agents = network.offeredAgents(network.customer("supplier", null), 2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(2, 1, "echo head $CORRAL_HEAD_ADDR; sleep 300"), null);
        ClusterView running = network.awaitState(alice, deployed.clusterId(), "RUNNING");
        WorkerAgent spare = network.agent(network.customer("spare", null));
        network.awaitIdleDevices(1);
        WorkerAgent head = agents.stream().filter(agent -> agent.deviceId().value()
                .equals(running.ranks().getFirst().deviceId())).findFirst().orElseThrow();

        head.close();
        TestNetwork.await("rank 1 started again with the new head", () -> alice.logs(deployed.clusterId(), 1).lines()
                .size() == 2 && alice.logs(deployed.clusterId(), 0).lines().size() == 2);

        List<String> rank0 = alice.logs(deployed.clusterId(), 0).lines().stream().map(LogView.LogLine::line).toList();
        List<String> rank1 = alice.logs(deployed.clusterId(), 1).lines().stream().map(LogView.LogLine::line).toList();
        assertThat(rank1.getLast()).as("the new head's address").isEqualTo(rank0.getLast()).isNotEqualTo(rank1.getFirst());
        ClusterView healed = alice.cluster(deployed.clusterId());
        assertThat(healed.state()).isEqualTo("RUNNING");
        assertThat(healed.ranks().getFirst().deviceId()).isEqualTo(spare.deviceId().value());
        assertThat(healed.ranks()).allSatisfy(rank -> assertThat(rank.state()).isEqualTo("STARTED"));
    }

    /** A mega cluster: every idle device that matches, escrow for as many as were placed; none left, refused. */
    @Test
    void aDeployForAllMatchingHiresEveryIdleDeviceThatMatchesAndPaysForThoseOnly() throws Exception {
        network.supplierWithDevices("supplier", 3);
        CorralClient alice = network.customer("alice", "5");

        ClusterView all = alice.deploy(cpu(1, 2, "sleep 300").forAllMatching(), null);

        assertThat(all.count()).isEqualTo(3);
        assertThat(all.escrowHeld().minor()).isEqualTo(3 * 2 * all.pricePerDeviceHour().minor());
        network.awaitState(alice, all.clusterId(), "RUNNING");
        assertThatThrownBy(() -> alice.deploy(cpu(1, 1, "true").forAllMatching(), null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("no idle device matches CPU");
                });
        assertThatThrownBy(() -> alice.deploy(cpu(2, 1, "true").forAllMatching().withCount(2).forAllMatching()
                .withRecovery(null, "sometimes"), null)).isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.getMessage()).contains("restart must be never, on-failure or on-failure:N"));
        assertThat(alice.account().heldInEscrow().minor()).isEqualTo(all.escrowHeld().minor());
    }

    /**
     * The restart policy: a program that fails twice and then succeeds completes under
     * on-failure:3, its output from all three runs in order; one that always fails ends the
     * cluster once its restarts are spent, saying how many it had.
     */
    @Test
    void aFailedProgramStartsAgainOnItsDeviceWhileTheRestartPolicyAllows() throws Exception {
        network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");
        ClusterView flaky = alice.deploy(cpu(1, 1, "n=$(cat tries 2>/dev/null || echo 0); n=$((n+1)); "
                + "echo $n > tries; echo attempt $n; test $n -ge 3").withRecovery(null, "on-failure:3"), null);
        ClusterView broken = alice.deploy(cpu(1, 1, "echo failing; exit 7").withRecovery(null, "on-failure:1"), null);
        assertThat(flaky.restart()).isEqualTo("on-failure:3");

        ClusterView completed = network.awaitState(alice, flaky.clusterId(), "COMPLETED", "FAILED");
        ClusterView failed = network.awaitState(alice, broken.clusterId(), "COMPLETED", "FAILED");

        assertThat(completed.state()).isEqualTo("COMPLETED");
        assertThat(completed.reasonCode()).isEqualTo("COMPLETED");
        assertThat(completed.ranks().getFirst().reasonCode()).isEqualTo("COMPLETED");
        assertThat(completed.ranks().getFirst().restarts()).isEqualTo(2);
        assertThat(completed.ranks().getFirst().lastFailure()).isEqualTo("exited with code 1");
        assertThat(completed.ranks().getFirst().exitCode()).isZero();
        assertThat(alice.logs(flaky.clusterId(), 0).lines()).extracting(LogView.LogLine::line)
                .containsExactly("attempt 1", "attempt 2", "attempt 3");
        assertThat(failed.state()).isEqualTo("FAILED");
        assertThat(failed.reason()).isEqualTo("rank 0 exited with code 7 after 1 restarts");
        assertThat(failed.reasonCode()).isEqualTo("PROGRAM_EXITED");
        assertThat(failed.ranks().getFirst().restarts()).isEqualTo(1);
        assertThat(alice.logs(broken.clusterId(), 0).lines()).extracting(LogView.LogLine::line)
                .containsExactly("failing", "failing");
    }

    @Test
    void aDeviceThatDropsBeforeItsRankStartsIsReplacedFromThePool() throws Exception {
        CorralClient vanishing = network.customer("vanishing", null);
        RawAgent placedThenGone = new RawAgent(network.url, network.clock);
        assertThat(placedThenGone.register(vanishing.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(placedThenGone.answer(placedThenGone.nextChallenge(), true)).contains("PASSED");
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed;
        // online until placed (not racing the 2 s heartbeat timeout), then gone for good
        try (AutoCloseable online = placedThenGone.keepBeating()) {
            network.awaitIdleDevices(1);
            deployed = alice.deploy(new DeployRequest(null, null, true, null, 1, 1, null, "process", "sleep 300",
                    Map.of(), null, "cpu_cores>=1"), null);
        }
        assertThat(deployed.ranks().getFirst().deviceId()).isEqualTo(placedThenGone.deviceId);

        CorralClient steady = network.customer("steady", null);
        WorkerAgent spare = network.agent(steady);
        // the hand-made device never takes its rank and stops sending heartbeats
        ClusterView running = network.awaitState(alice, deployed.clusterId(), "RUNNING");

        assertThat(running.ranks()).singleElement().satisfies(rank -> {
            assertThat(rank.deviceId()).isEqualTo(spare.deviceId().value());
            assertThat(rank.state()).isEqualTo("STARTED");
        });
        assertThat(running.pricePerDeviceHour()).isEqualTo(deployed.pricePerDeviceHour());
        DeviceView gone = vanishing.device(placedThenGone.deviceId);
        assertThat(gone.status()).isEqualTo("OFFLINE");
        assertThat(gone.clusterId()).isNull();
        assertThat(gone.reputation()).as("a job abandoned counts against it").isLessThan(0.5);
        network.clock.advance(Duration.ofMinutes(30));
        alice.terminate(deployed.clusterId());
        assertThat(vanishing.account().earned().minor()).isZero();
        assertThat(steady.account().earned().minor()).isPositive();
    }

    /**
     * A device drops before it started its rank while no other device is idle: the rank waits,
     * lost, and the cluster runs once a device joins and takes it (it still has one rank to start,
     * not two).
     */
    @Test
    void aDeviceThatDropsBeforeItsRankStartsWithNoneIdleIsReplacedOnceOneJoins() throws Exception {
        CorralClient vanishing = network.customer("vanishing", null);
        RawAgent placedThenGone = new RawAgent(network.url, network.clock);
        assertThat(placedThenGone.register(vanishing.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(placedThenGone.answer(placedThenGone.nextChallenge(), true)).contains("PASSED");
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed;
        try (AutoCloseable online = placedThenGone.keepBeating()) {
            network.awaitIdleDevices(1);
            deployed = alice.deploy(cpu(1, 1, "sleep 300"), null);
        }
        TestNetwork.await("the rank lost with no device to take it", () -> {
            ClusterView now = alice.cluster(deployed.clusterId());
            return now.replacements().size() == 1 && now.replacements().getFirst().replacedBy() == null;
        });
        assertThat(alice.cluster(deployed.clusterId()).state()).isEqualTo("PENDING");

        WorkerAgent spare = network.agent(network.customer("steady", null));
        ClusterView running = network.awaitState(alice, deployed.clusterId(), "RUNNING");

        assertThat(running.ranks().getFirst().deviceId()).isEqualTo(spare.deviceId().value());
        assertThat(running.replacements().getFirst().replacedBy()).isEqualTo(spare.deviceId().value());
    }

    @Test
    void aClusterWhoseRankNeverStartsTimesOutChargingNothingAndRefundingEverything() throws Exception {
        CorralClient owner = network.customer("silent", null);
        RawAgent silent = new RawAgent(network.url, network.clock);
        assertThat(silent.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(silent.answer(silent.nextChallenge(), true)).contains("PASSED");
        CorralClient alice = network.customer("alice", "5");
        // online throughout, but it never takes its rank
        try (AutoCloseable online = silent.keepBeating()) {
            ClusterView deployed = alice.deploy(cpu(1, 2, "sleep 300"), null);
            assertThat(alice.account().heldInEscrow().minor()).isEqualTo(2 * CPU_PRICE_MICROS);

            network.clock.advance(TestNetwork.DEPLOY_TIMEOUT.plusSeconds(1));
            ClusterView failed = network.awaitState(alice, deployed.clusterId(), "FAILED");

            assertThat(failed.reason()).isEqualTo("deployment timed out after " + TestNetwork.DEPLOY_TIMEOUT.toSeconds()
                    + " s: not every rank started");
            assertThat(failed.reasonCode()).isEqualTo("NO_CAPACITY");
            assertThat(failed.runningAt()).isNull();
            assertThat(failed.charged().minor()).isZero();
            assertThat(failed.refunded().minor()).isEqualTo(2 * CPU_PRICE_MICROS);
            assertThat(alice.account().available().minor()).isEqualTo(5_000_000);
            assertThat(alice.account().heldInEscrow().minor()).isZero();
            assertThat(owner.account().earned().minor()).isZero();
        }
    }

    @Test
    void anAgentThatRestartsWhileItsRankRunsLosesTheRankWhichIsPlacedAgainAndKeepsItsIdentity() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        WorkerAgent agent = network.agent(supplier);
        network.awaitIdleDevices(1);
        CorralClient alice = network.customer("alice", "5");
        ClusterView deployed = alice.deploy(cpu(1, 1, "sleep 300"), null);
        network.awaitState(alice, deployed.clusterId(), "RUNNING");

        WorkerAgent restarted = network.restartAgent(agent);
        TestNetwork.await("the rank placed again", () -> {
            ClusterView now = alice.cluster(deployed.clusterId());
            return now.replacements().size() == 1 && now.ranks().getFirst().state().equals("STARTED");
        });

        assertThat(restarted.deviceId()).isEqualTo(agent.deviceId());
        ClusterView healed = alice.cluster(deployed.clusterId());
        assertThat(healed.state()).isEqualTo("RUNNING");
        assertThat(healed.replacements().getFirst().lostDeviceId()).isEqualTo(agent.deviceId().value());
        assertThat(healed.replacements().getFirst().replacedBy()).isEqualTo(agent.deviceId().value());
        assertThat(supplier.devices()).hasSize(1);
    }

    @Test
    void tooFewIdleDevicesIsAConflictThatNamesTheShortfallAndChangesNothing() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        network.agent(supplier);
        network.agentWithoutRuntimes(supplier);
        network.awaitIdleDevices(2);
        CorralClient alice = network.customer("alice", "5");

        assertThatThrownBy(() -> alice.deploy(cpu(2, 1, "true"), null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("2 wanted, 1 match");
                });
        assertThat(alice.clusters()).isEmpty();
        assertThat(alice.account().available().minor()).isEqualTo(5_000_000);
        assertThat(alice.quote(cpu(2, 1, null)).devicesAvailable()).isEqualTo(1);
    }

    @Test
    void deployAndQuoteTakeTheConditionsOfOfferSearch() throws Exception {
        network.supplierWithDevices("supplier", 2);
        CorralClient alice = network.customer("alice", "5");
        int cores = Runtime.getRuntime().availableProcessors();
        DeployRequest tooBig = new DeployRequest(null, null, true, null, 1, 1, null, "process", "true", Map.of(), null,
                "cpu_cores>" + cores);
        assertThat(alice.quote(tooBig).devicesAvailable()).isZero();
        assertThatThrownBy(() -> alice.deploy(tooBig, null)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.status()).isEqualTo(409));
        DeployRequest bad = new DeployRequest(null, null, true, null, 1, 1, null, "process", "true", Map.of(), null,
                "colour=red");
        assertThatThrownBy(() -> alice.deploy(bad, null)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.getMessage()).startsWith("where: unknown field 'colour'"));
        DeployRequest fits = new DeployRequest(null, null, true, null, 2, 1, null, "process", "true", Map.of(), null,
                "cpu_cores>=" + cores + " region=local");
        assertThat(alice.quote(fits).devicesAvailable()).isEqualTo(2);
        network.awaitState(alice, alice.deploy(fits, null).clusterId(), "COMPLETED");
    }

    @Test
    void aShortBalanceIsRefusedWithThePriceAndChangesNothing() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 1);
        CorralClient alice = network.customer("alice", "0.01");

        assertThatThrownBy(() -> alice.deploy(cpu(1, 100, "true"), null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(402);
                    assertThat(e.getMessage()).contains("costs 3.80 USD (0.038 USD per device-hour x 1 devices x 100 h)").contains("balance is 0.01 USD");
                });
        assertThat(alice.clusters()).isEmpty();
        assertThat(supplier.devices()).extracting(DeviceView::status).containsExactly("IDLE");
        assertThat(alice.account().available().minor()).isEqualTo(10_000);
    }

    @Test
    void anOwnerChangesOnlyOwnerFieldsAndAPriceFloorAboveThePriceKeepsTheDeviceOut() throws Exception {
        CorralClient supplier = network.customer("supplier", null);
        WorkerAgent agent = network.agent(supplier);
        network.awaitIdleDevices(1);
        DeviceView updated = supplier.updateDevice(agent.deviceId().value(),
                new DeviceUpdate("fast box", "0.06", 40));

        assertThat(updated.name()).isEqualTo("fast box");
        assertThat(updated.minPricePerHour().minor()).isEqualTo(60_000);
        assertThat(updated.rewardSplitIoPercent()).isEqualTo(40);
        assertThat(updated.hardware()).isEqualTo(agent.hardware());
        CorralClient alice = network.customer("alice", "5");
        assertThat(alice.quote(cpu(1, 1, null)).devicesAvailable()).isZero();
        List<String> before = alice.clusters().stream().map(ClusterView::clusterId).toList();
        assertThatThrownBy(() -> alice.deploy(cpu(1, 1, "true"), null)).isInstanceOf(CorralException.class);
        assertThat(alice.clusters().stream().map(ClusterView::clusterId).toList()).isEqualTo(before);
    }
}
