package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.RewardView;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.sdk.CorralClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * On a network that runs its epochs in real time (4 s) and wants a passed challenge in each:
 * an honest agent earns availability rewards; a device that is online but answers at random,
 * or never answers, earns none; a device earns for the hardware it proves, not what it claims.
 */
@OnBothStores
class AvailabilityRewardsTest {
    static final Duration EPOCH = Duration.ofSeconds(4);
    static final long EPOCHS_WATCHED = 3;

    @Parameter
    TestNetwork.Store store;
    @TempDir
    Path directory;
    TestNetwork network;
    final AtomicBoolean beating = new AtomicBoolean(true);
    final List<AutoCloseable> heartbeats = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        beating.set(false);
        for (AutoCloseable device : heartbeats) {
            device.close();
        }
        network.close();
    }

    @Test
    void onlyDevicesThatPassChallengesEarnAvailabilityRewards() throws Exception {
        network = TestNetwork.withAvailabilityProofs(store, directory, EPOCH);
        CorralClient honestOwner = network.customer("honest", null);
        WorkerAgent honest = network.agent(honestOwner);
        CorralClient guesserOwner = network.customer("guesser", null);
        RawAgent guesser = online(guesserOwner, RawAgent.CPU);
        CorralClient muteOwner = network.customer("mute", null);
        RawAgent mute = online(muteOwner, RawAgent.CPU);
        answering(guesser, false);

        TestNetwork.await("epoch " + EPOCHS_WATCHED + " closed",
                () -> !network.anonymous.epochs(EPOCHS_WATCHED, 1).isEmpty());

        List<RewardView> honestRewards = honestOwner.rewards(100);
        assertThat(honestRewards).filteredOn(r -> r.epoch() >= 1 && r.epoch() <= EPOCHS_WATCHED)
                .as("the honest device passes a challenge in every epoch it is online for").isNotEmpty()
                .allSatisfy(r -> assertThat(r.deviceId()).isEqualTo(honest.deviceId().value()));
        assertThat(guesserOwner.rewards(100)).as("online, but its answers are wrong").isEmpty();
        assertThat(muteOwner.rewards(100)).as("online, but it never answers").isEmpty();
        assertThat(guesserOwner.device(guesser.deviceId).lastChallenge()).startsWith("WRONG");
        assertThat(muteOwner.device(mute.deviceId).status()).as("never passed one").isEqualTo("UNVERIFIED");
    }

    /**
     * io.net's reward farming, re-run: a CPU machine whose nvidia-smi claims 8 x H100 answered its
     * challenges on the CPU and earned availability rewards weighted as eight H100s (800 times a
     * CPU device's). It proves CPU cores only, so it earns what a CPU device earns.
     */
    @Test
    void aCpuMachineClaimingEightH100sEarnsWhatACpuDeviceEarns() throws Exception {
        network = TestNetwork.withAvailabilityProofs(store, directory, EPOCH);
        CorralClient cpuOwner = network.customer("cpu", null);
        RawAgent cpu = online(cpuOwner, RawAgent.CPU);
        CorralClient fakerOwner = network.customer("faker", null);
        RawAgent faker = online(fakerOwner, new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559,
                "580.159.04", "raw test CPU", 2, 2048));
        answering(cpu, true);
        answering(faker, true);

        TestNetwork.await("epoch " + EPOCHS_WATCHED + " closed",
                () -> !network.anonymous.epochs(EPOCHS_WATCHED, 1).isEmpty());

        Map<Long, Long> cpuRewards = byEpoch(cpuOwner.rewards(100));
        Map<Long, Long> fakerRewards = byEpoch(fakerOwner.rewards(100));
        assertThat(fakerRewards).as("the faker passes its challenges on the CPU, and earns").isNotEmpty();
        for (Map.Entry<Long, Long> earned : fakerRewards.entrySet()) {
            // the same weight; their time online in an epoch differs by when each registered
            assertThat(earned.getValue()).as("epoch %d", earned.getKey())
                    .isLessThanOrEqualTo(2 * cpuRewards.getOrDefault(earned.getKey(), earned.getValue()));
        }
    }

    private static Map<Long, Long> byEpoch(List<RewardView> rewards) {
        return rewards.stream().collect(Collectors.toMap(RewardView::epoch, r -> r.amount().minor(), Long::sum));
    }

    /** Answers the device's challenges, honestly or with guessed rows, until the test ends. */
    private void answering(RawAgent device, boolean honest) {
        Thread.ofVirtual().start(() -> {
            while (beating.get()) {
                try {
                    device.answer(device.nextChallenge(), honest);
                } catch (Exception | AssertionError e) {
                    return; // the test ended while it waited for a challenge
                }
            }
        });
    }

    /** A hand-made device claiming this hardware that keeps sending heartbeats until the test ends. */
    private RawAgent online(CorralClient owner, HardwareSpec hardware) throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        device.hardware = hardware;
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        heartbeats.add(device.keepBeating());
        return device;
    }
}
