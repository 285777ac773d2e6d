package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.agent.WorkerAgent;
import dev.corral.core.DeviceKind;
import dev.corral.core.HardwareSpec;
import dev.corral.core.Json;
import dev.corral.core.protocol.ChallengeCommit;
import dev.corral.core.protocol.ChallengeOpening;
import dev.corral.core.protocol.ChallengeRows;
import dev.corral.core.protocol.ChallengeTask;
import dev.corral.core.protocol.ChallengeWalk;
import dev.corral.core.protocol.OpenedRow;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.proofs.MatrixChallenge;
import dev.corral.proofs.MemoryWalk;
import dev.corral.core.api.DeviceView;
import dev.corral.proofs.Reputation;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices are challenged when they join; honest answers pass, wrong and missing ones are recorded as such. */
class ChallengeTest extends NetworkTest {
    private static final HardwareSpec H100 = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 1, 81_559,
            "550.54", "raw test CPU", 64, 262_144);

    @Test
    void anHonestAgentPassesItsFirstChallenge() throws Exception {
        CorralClient owner = network.customer("owner", null);
        WorkerAgent agent = network.agent(owner);
        TestNetwork.await("the challenge answered", () -> owner.device(agent.deviceId().value()).lastChallenge() != null
                && owner.device(agent.deviceId().value()).lastChallenge().startsWith("PASSED"));
    }

    @Test
    void aDeviceIsUnverifiedUntilItPassesAndBlockedAfterWrongAnswersUntilItPassesAgain() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent device = registered(owner);
        assertThat(owner.device(device.deviceId).status()).isEqualTo("UNVERIFIED");
        assertThat(owner.device(device.deviceId).statusReason()).contains("no availability challenge passed");
        assertThat(network.anonymous.offers("kind=cpu", null)).as("unverified devices are not offered").isEmpty();

        assertThat(device.answer(challengeOf(device), true)).contains("PASSED");
        assertThat(owner.device(device.deviceId).status()).isEqualTo("IDLE");
        assertThat(network.anonymous.offers("kind=cpu", null)).singleElement()
                .satisfies(offer -> assertThat(offer.available()).isEqualTo(1));
        double afterPass = owner.device(device.deviceId).reputation();

        // a guessed answer is WRONG and brings a new challenge within a minute; a second guess blocks the device
        assertThatThrownBy(() -> owner.reverifyDevice(device.deviceId)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.status()).isEqualTo(409));
        // the next random challenge: the test network's mean gap is a year, so thirty years make it certain (1 - e^-30)
        network.clock.advance(TestNetwork.CHALLENGE_MEAN_INTERVAL.multipliedBy(30));
        device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody());
        assertThat(device.answer(challengeOf(device), false)).contains("WRONG");
        assertThat(owner.device(device.deviceId).status()).isEqualTo("IDLE");
        network.clock.advance(Duration.ofMinutes(1));
        device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody());
        assertThat(device.answer(challengeOf(device), false)).contains("WRONG");
        DeviceView blocked = owner.device(device.deviceId);
        assertThat(blocked.status()).isEqualTo("BLOCKED");
        assertThat(blocked.statusReason()).contains("2 wrong challenge answers in a row");
        assertThat(blocked.statusSince()).isNotNull();
        assertThat(blocked.reputation()).isLessThan(afterPass).isLessThan(Reputation.PLACEMENT_MIN);
        assertThat(network.anonymous.offers("kind=cpu", null)).as("blocked devices are not offered").isEmpty();

        assertThat(owner.reverifyDevice(device.deviceId).statusReason()).contains("re-verification requested");
        assertThat(device.answer(challengeOf(device), true)).contains("PASSED");
        assertThat(owner.device(device.deviceId).status()).as("unblocked, though its reputation is still low")
                .isEqualTo("IDLE");
    }

    @Test
    void anAnswerCopiedFromAnotherDeviceIsWrongAndASlowOneIsLate() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent honest = registered(owner);
        RawAgent copier = registered(owner);
        RawAgent slow = registered(owner);

        ChallengeTask honestTask = challengeOf(honest);
        ChallengeTask copierTask = challengeOf(copier);
        MatrixChallenge.Answer honestAnswer = MatrixChallenge.compute(
                new MatrixChallenge.Spec(honestTask.seed(), honestTask.size()));
        String copied = "/agent/v1/challenges/" + copierTask.challengeId();
        int[] rows = Json.mapper().readValue(copier.signedSend("POST", copied + "/commit",
                RawAgent.json(new ChallengeCommit(honestAnswer.root(), null))).body(), ChallengeRows.class).rows();
        assertThat(copier.signedSend("POST", copied + "/open",
                RawAgent.json(new ChallengeOpening(MatrixChallenge.open(honestAnswer, rows), null))).body()).contains("WRONG");
        assertThat(honest.answer(honestTask, true)).contains("PASSED");

        ChallengeTask slowTask = challengeOf(slow);
        network.clock.advance(Duration.between(network.clock.instant(), slowTask.deadline()).plusSeconds(1));
        MatrixChallenge.Answer late = MatrixChallenge.compute(new MatrixChallenge.Spec(slowTask.seed(), slowTask.size()));
        assertThat(slow.signedSend("POST", "/agent/v1/challenges/" + slowTask.challengeId() + "/commit",
                RawAgent.json(new ChallengeCommit(late.root(), null))).body()).contains("\"rows\":[]");
        assertThat(owner.device(slow.deviceId).lastChallenge()).startsWith("LATE");
        assertThat(owner.device(slow.deviceId).status()).as("never verified").isEqualTo("UNVERIFIED");
        assertThat(owner.device(copier.deviceId).reputation()).isLessThan(owner.device(slow.deviceId).reputation())
                .isLessThan(owner.device(honest.deviceId).reputation());
    }

    @Test
    void wrongRowsAreWrongSilenceIsMissingAndNoOneAnswersAnotherDevicesChallengeOrTwice() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent liar = registered(owner);
        RawAgent silent = registered(owner);

        ChallengeTask task = challengeOf(liar);
        String commit = "/agent/v1/challenges/" + task.challengeId() + "/commit";
        byte[] root = RawAgent.json(new ChallengeCommit("ab".repeat(32), null));
        assertThat(silent.signedSend("POST", commit, root).statusCode()).as("another device's challenge").isEqualTo(404);
        HttpResponse<String> asked = liar.signedSend("POST", commit, root);
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(liar.signedSend("POST", commit, root).statusCode()).as("a second commitment").isEqualTo(409);
        int[] rows = Json.mapper().readValue(asked.body(), ChallengeRows.class).rows();
        assertThat(rows).hasSize(MatrixChallenge.ROWS_CHECKED);
        List<OpenedRow> made = new ArrayList<>();
        for (int row : rows) {
            made.add(new OpenedRow(row, new long[task.size()], List.of()));
        }
        HttpResponse<String> outcome = liar.signedSend("POST", "/agent/v1/challenges/" + task.challengeId() + "/open",
                RawAgent.json(new ChallengeOpening(made, null)));
        assertThat(outcome.body()).contains("WRONG");
        assertThat(owner.device(liar.deviceId).lastChallenge()).startsWith("WRONG");

        ChallengeTask unanswered = challengeOf(silent);
        network.clock.advance(Duration.between(network.clock.instant(), unanswered.deadline())
                .plus(ChallengePolicy.OPEN_GRACE).plusSeconds(1));
        TestNetwork.await("the silent device's challenge expired",
                () -> owner.device(silent.deviceId).lastChallenge().startsWith("MISSING"));
    }

    @Test
    void aChallengeIsSizedForTheClaimedHardwareAndADeviceTooSlowForItsClaimIsLate(@TempDir Path elsewhere)
            throws Exception {
        Duration work = Duration.ofMillis(1);
        try (TestNetwork sized = TestNetwork.withChallengeWork(store, elsewhere, work)) {
            CorralClient owner = sized.customer("owner", null);
            RawAgent cpu = registered(sized, owner, RawAgent.CPU, List.of("process"));
            RawAgent gpu = registered(sized, owner, H100, List.of("process", "cuda"));
            RawAgent gpuOnItsCpu = registered(sized, owner, H100, List.of("process"));

            // 2 cores at 7e8 for 1 ms: cbrt(1.4e6) = 111.9; an H100 at 2.09375e12: cbrt(2.09375e9) = 1,279.3; its 64
            // cores: cbrt(4.48e7) = 355.2
            ChallengeTask cpuTask = challengeOf(sized, cpu, work);
            ChallengeTask gpuTask = challengeOf(sized, gpu, work);
            assertThat(List.of(cpuTask.size(), gpuTask.size(), challengeOf(sized, gpuOnItsCpu, work).size()))
                    .containsExactly(112, 1_279, 355);
            assertThat(cpu.answer(cpuTask, true)).contains("PASSED");

            // the "H100" is still computing when its deadline passes (it computes like a CPU), and stays in touch
            sized.clock.advance(Duration.between(sized.clock.instant(), gpuTask.deadline()).plusSeconds(1));
            assertThat(gpu.signedSend("POST", "/agent/v1/heartbeat", gpu.heartbeatBody()).statusCode()).isEqualTo(200);
            sized.clock.advance(ChallengePolicy.OPEN_GRACE);
            TestNetwork.await("the slow device's challenge ended",
                    () -> owner.device(gpu.deviceId).lastChallenge().startsWith("LATE"));
            assertThat(owner.device(gpu.deviceId).status()).isEqualTo("UNVERIFIED");
            assertThat(owner.device(gpu.deviceId).reputation()).isLessThan(owner.device(cpu.deviceId).reputation());
        }
    }

    /**
     * A GPU on the GPU engine must hold the memory it claims: its challenge has a memory part
     * whose table fills most of it, walked from a seed drawn only once the device said the table
     * is filled. The card here is one the catalog does not list, claiming 4 MiB, so the walks run
     * in a test (RawAgent computes on the CPU what the GPU engine's kernels compute). An honest
     * answer passes; one walked over half the table, as a card holding half the claimed memory
     * would walk it, is WRONG; committing before saying the table is filled, or without the
     * walks, is refused and changes nothing; a commitment whose rows are never opened is WRONG.
     */
    @Test
    void aGpuMustWalkATableFillingTheMemoryItClaims(@TempDir Path elsewhere) throws Exception {
        try (TestNetwork standard = TestNetwork.withChallengeWork(store, elsewhere, ChallengePolicy.WORK_STANDARD)) {
            aGpuMustWalkATableFillingTheMemoryItClaims(standard);
        }
    }

    private static void aGpuMustWalkATableFillingTheMemoryItClaims(TestNetwork network) throws Exception {
        CorralClient owner = network.customer("owner", null);
        HardwareSpec small = new HardwareSpec(DeviceKind.GPU, "Corral Test Accelerator", 1, 4, "1.0", "raw test CPU",
                2, 2048);
        RawAgent honest = registered(network, owner, small, List.of("process", "cuda"));
        RawAgent halfMemory = registered(network, owner, small, List.of("process", "cuda"));
        RawAgent hider = registered(network, owner, small, List.of("process", "cuda"));
        // each answer here computes a standard-size challenge for about two seconds: the heartbeat timeout
        try (AutoCloseable beating = honest.keepBeating(); AutoCloseable alsoBeating = halfMemory.keepBeating();
                AutoCloseable hiderBeating = hider.keepBeating()) {
            walkTheTable(network, owner, honest, halfMemory, hider);
        }
    }

    private static void walkTheTable(TestNetwork network, CorralClient owner, RawAgent honest, RawAgent halfMemory,
            RawAgent hider) throws Exception {

        ChallengeTask task = challengeOf(network, honest, ChallengePolicy.WORK_STANDARD);
        assertThat(task.memory()).isNotNull();
        assertThat(8 * task.memory().items()).as("the table's bytes")
                .isEqualTo((long) (4 * 1024 * 1024 * ChallengePolicy.MEMORY_FILL_SHARE) / 8 * 8);
        assertThat(honest.answer(task, true)).contains("PASSED");
        assertThat(owner.device(honest.deviceId).status()).isEqualTo("IDLE");

        ChallengeTask halfTask = challengeOf(network, halfMemory, ChallengePolicy.WORK_STANDARD);
        String commit = "/agent/v1/challenges/" + halfTask.challengeId() + "/commit";
        HttpResponse<String> notFilled = halfMemory.signedSend("POST", commit,
                RawAgent.json(new ChallengeCommit("ab".repeat(32), "cd".repeat(32))));
        assertThat(notFilled.statusCode()).as(notFilled.body()).isEqualTo(409);
        assertThat(notFilled.body()).contains("filled");
        MemoryWalk.Spec half = new MemoryWalk.Spec(halfTask.seed(), halfTask.memory().items() / 2,
                halfTask.memory().rounds(), halfTask.memory().walkers(), halfTask.memory().steps());
        assertThat(halfMemory.answer(halfTask, true, half)).contains("WRONG");
        assertThat(owner.device(halfMemory.deviceId).status()).isEqualTo("UNVERIFIED");

        ChallengeTask hidden = challengeOf(network, hider, ChallengePolicy.WORK_STANDARD);
        String path = "/agent/v1/challenges/" + hidden.challengeId();
        HttpResponse<String> filled = hider.signedSend("POST", path + "/filled", RawAgent.json(Map.of()));
        assertThat(filled.statusCode()).as(filled.body()).isEqualTo(200);
        ChallengeWalk walk = Json.mapper().readValue(filled.body(), ChallengeWalk.class);
        assertThat(walk.walkSeed()).isNotNull();
        HttpResponse<String> noWalks = hider.signedSend("POST", path + "/commit",
                RawAgent.json(new ChallengeCommit("ab".repeat(32), null)));
        assertThat(noWalks.statusCode()).as(noWalks.body()).isEqualTo(400);
        assertThat(noWalks.body()).contains("walkRoot");
        HttpResponse<String> committed = hider.signedSend("POST", path + "/commit",
                RawAgent.json(new ChallengeCommit("ab".repeat(32), "cd".repeat(32))));
        assertThat(committed.statusCode()).as(committed.body()).isEqualTo(200);
        assertThat(Json.mapper().readValue(committed.body(), ChallengeRows.class).walkRows())
                .hasSize(MemoryWalk.ROWS_CHECKED);
        network.clock.advance(Duration.between(network.clock.instant(), walk.deadline())
                .plus(ChallengePolicy.OPEN_GRACE).plusSeconds(1));
        TestNetwork.await("the unopened commitment ended",
                () -> owner.device(hider.deviceId).lastChallenge().startsWith("WRONG"));
    }

    /**
     * A device on the GPU engine gets a challenge for each GPU it claims, all with one deadline,
     * each to be computed on its own card: it is verified only when every one has passed. A
     * machine with one card claiming two answers one, and the other goes unanswered (or, computed
     * on the same card after the first, takes twice as long); it is never verified.
     */
    @Test
    void aDeviceOnTheGpuEngineIsVerifiedOnlyWhenTheChallengeOfEachGpuItClaimsPassed() throws Exception {
        CorralClient owner = network.customer("owner", null);
        HardwareSpec two = new HardwareSpec(DeviceKind.GPU, "Corral Test Accelerator", 2, 4, "1.0", "raw test CPU", 2,
                2048);
        RawAgent honest = registered(network, owner, two, List.of("process", "cuda"));
        RawAgent oneCard = registered(network, owner, two, List.of("process", "cuda"));

        List<ChallengeTask> tasks = honest.nextChallenges(2);
        assertThat(tasks).extracting(ChallengeTask::gpu).containsExactlyInAnyOrder(0, 1);
        assertThat(tasks.get(0).deadline()).isEqualTo(tasks.get(1).deadline());
        assertThat(tasks.get(0).seed()).isNotEqualTo(tasks.get(1).seed());
        assertThat(honest.answer(tasks.get(0), true)).contains("PASSED");
        assertThat(owner.device(honest.deviceId).status()).as("one GPU of two proven").isEqualTo("UNVERIFIED");
        assertThat(honest.answer(tasks.get(1), true)).contains("PASSED");
        assertThat(owner.device(honest.deviceId).status()).isEqualTo("IDLE");

        List<ChallengeTask> oneCardTasks = oneCard.nextChallenges(2);
        assertThat(oneCard.answer(oneCardTasks.get(0), true)).contains("PASSED");
        network.clock.advance(Duration.between(network.clock.instant(), oneCardTasks.get(1).deadline())
                .plus(ChallengePolicy.OPEN_GRACE).plusSeconds(1));
        TestNetwork.await("the second GPU's challenge expired",
                () -> owner.device(oneCard.deviceId).lastChallenge().matches("(MISSING|LATE).*"));
        assertThat(owner.device(oneCard.deviceId).status()).isEqualTo("UNVERIFIED");
        assertThat(owner.device(oneCard.deviceId).reputation()).isLessThan(owner.device(honest.deviceId).reputation());
    }

    /**
     * The re-claim found by trying the system as an attacker would: a CPU device that passed,
     * then said in a heartbeat it was 8 x H100, stayed IDLE and verified. Now it is unverified
     * again at once, offered as nothing, and due a challenge sized for what it claims.
     */
    @Test
    void aDeviceThatClaimsOtherHardwareInAHeartbeatIsUnverifiedUntilItPassesAsWhatItClaims() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent device = registered(owner);
        assertThat(device.answer(challengeOf(device), true)).contains("PASSED");
        assertThat(owner.device(device.deviceId).status()).isEqualTo("IDLE");

        device.hardware = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559, "550.54.15",
                "raw test CPU", 2, 2048);
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody()).statusCode()).isEqualTo(200);

        DeviceView reclaimed = owner.device(device.deviceId);
        assertThat(reclaimed.status()).isEqualTo("UNVERIFIED");
        assertThat(reclaimed.statusReason()).contains("for the hardware it claims");
        assertThat(network.anonymous.offers("gpu=H100", null)).as("never offered as an H100").isEmpty();
        assertThat(network.anonymous.offers("kind=cpu", null)).as("nor as what it was").isEmpty();
        assertThat(challengeOf(device)).as("a challenge, checked to be sized for 8 x H100").isNotNull();
    }

    /**
     * A GPU claim proven on the CPU engine is a CPU device; declaring the CUDA engine afterwards
     * (a patched agent, say) does not make it an H100: it must pass a challenge sized for one.
     */
    @Test
    void aGpuClaimProvenOnTheCpuThatTakesUpTheGpuEngineIsUnverifiedAgain() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent device = registered(network, owner, new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559,
                "550.54.15", "raw test CPU", 2, 2048), List.of("process"));
        assertThat(device.answer(challengeOf(device), true)).contains("PASSED");
        assertThat(owner.device(device.deviceId).status()).isEqualTo("IDLE");
        assertThat(network.anonymous.offers("gpu=H100", null)).as("proven on the CPU: no H100").isEmpty();

        device.runtimes = List.of("process", "cuda");
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody()).statusCode()).isEqualTo(200);
        assertThat(owner.device(device.deviceId).status()).isEqualTo("UNVERIFIED");
        assertThat(network.anonymous.offers("gpu=H100", null)).isEmpty();
        assertThat(network.anonymous.offers("kind=cpu", null)).as("nor as what it was").isEmpty();
    }

    /** The same re-claim with a challenge open for the old claim: answering that one verifies nothing. */
    @Test
    void aChallengeOpenForTheOldClaimCannotVerifyTheNewOne() throws Exception {
        CorralClient owner = network.customer("owner", null);
        RawAgent device = registered(owner);
        ChallengeTask forTheCpu = challengeOf(device);
        MatrixChallenge.Answer answer = MatrixChallenge.compute(new MatrixChallenge.Spec(forTheCpu.seed(),
                forTheCpu.size()));
        assertThat(device.signedSend("POST", "/agent/v1/challenges/" + forTheCpu.challengeId() + "/commit",
                RawAgent.json(new ChallengeCommit(answer.root(), null))).statusCode()).isEqualTo(200);

        device.hardware = new HardwareSpec(DeviceKind.GPU, "NVIDIA H100 80GB HBM3", 8, 81_559, "550.54.15",
                "raw test CPU", 2, 2048);
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody()).statusCode()).isEqualTo(200);
        HttpResponse<String> opened = device.signedSend("POST", "/agent/v1/challenges/" + forTheCpu.challengeId()
                + "/open", RawAgent.json(new ChallengeOpening(MatrixChallenge.open(answer, new int[] {0}), null)));

        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(409);
        assertThat(opened.body()).contains("VOID");
        assertThat(owner.device(device.deviceId).status()).isEqualTo("UNVERIFIED");
        assertThat(network.anonymous.offers("gpu=H100", null)).isEmpty();
    }

    private RawAgent registered(CorralClient owner) throws Exception {
        return registered(network, owner, RawAgent.CPU, List.of("process"));
    }

    private static RawAgent registered(TestNetwork on, CorralClient owner, HardwareSpec hardware, List<String> runtimes)
            throws Exception {
        RawAgent device = new RawAgent(on.url, on.clock);
        device.hardware = hardware;
        device.runtimes = runtimes;
        assertThat(device.register(owner.joinToken().token()).statusCode()).isEqualTo(201);
        assertThat(device.signedSend("POST", "/agent/v1/heartbeat", device.heartbeatBody()).statusCode()).isEqualTo(200);
        return device;
    }

    private ChallengeTask challengeOf(RawAgent device) {
        return challengeOf(network, device, TestNetwork.CHALLENGE_WORK);
    }

    /** The device's next challenge, checked to be the one sized and timed for its claim. */
    private static ChallengeTask challengeOf(TestNetwork on, RawAgent device, Duration work) {
        ChallengeTask task = device.nextChallenge();
        ChallengePolicy.Sizing sizing = ChallengePolicy.sizing(device.hardware, device.runtimes.contains("cuda"), work);
        assertThat(task.size()).isEqualTo(sizing.size());
        assertThat(task.memory()).isEqualTo(sizing.memory());
        assertThat(Duration.between(on.clock.instant(), task.deadline())).isLessThanOrEqualTo(sizing.deadline());
        return task;
    }
}
