package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.api.RewardView;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.sdk.CorralClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * On a network that runs its epochs in real time (4 s) and wants a passed challenge in each:
 * an honest agent earns availability rewards; a device that is online but answers at random,
 * or never answers, earns none.
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
        RawAgent guesser = online(guesserOwner);
        CorralClient muteOwner = network.customer("mute", null);
        RawAgent mute = online(muteOwner);
        Thread.ofVirtual().start(() -> {
            while (beating.get()) {
                try {
                    ChallengeTask task = guesser.nextChallenge();
                    guesser.answer(task, false);
                } catch (Exception | AssertionError e) {
                    return; // the test ended while it waited for a challenge
                }
            }
        });

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

    /** A hand-made device that keeps sending heartbeats until the test ends. */
    private RawAgent online(CorralClient owner) throws Exception {
        RawAgent device = new RawAgent(network.url, network.clock);
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        heartbeats.add(device.keepBeating());
        return device;
    }
}
