package dev.corral.cli;

import dev.corral.agent.ChildJvm;
import dev.corral.agent.LocalImages;
import dev.corral.core.Runtimes;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.ContainerSpec;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.LogView;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.QuoteView;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.ledger.EpochRewards;
import dev.corral.ledger.LedgerAudit;
import dev.corral.proofs.ChallengePolicy;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.ServerTrust;
import dev.corral.server.Coordinator;
import dev.corral.server.CoordinatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole system in one run: a coordinator on an embedded store, four worker agents as
 * separate processes (two suppliers with two devices each), a customer who is credited,
 * quotes, deploys a 4-rank cluster and waits for it; then the money is checked: the cost
 * equals the suppliers' earnings plus the fee, and every currency's balances sum to zero.
 * Where a container engine answers and a static busybox is there to make an image of, the
 * ranks run {@code sum-of-squares.sh} in containers of that image; elsewhere they run
 * {@code SumOfSquares.java} as processes (the runtime for trusted set-ups), and the demo says
 * which.
 */
final class Demo {
    static final int AGENTS = 4;
    static final int AGENT_HEAP_MB = 96;
    static final long N = 1_000_000;
    static final Duration AGENTS_ONLINE_WAIT_MAX = Duration.ofSeconds(60);
    static final Duration AGENT_STOP_WAIT = Duration.ofSeconds(5);
    /** Short epochs, so the demo sees blocks minted: an hour on the real network. */
    static final Duration EPOCH_LENGTH = Duration.ofSeconds(2);
    static final int EPOCHS_WAITED_MAX = 5;
    /**
     * Each new device is challenged at once; a smaller challenge than the standard keeps the demo
     * quick: 10 ms at the expected speed, a few hundred rows.
     */
    static final Duration CHALLENGE_WORK = Duration.ofMillis(10);
    /** The image the demo's container ranks run, made here from the machine's static busybox. */
    static final String IMAGE = "localhost/corral-demo/busybox:1";
    private static final Pattern RESULT = Pattern.compile("RESULT sum of squares 1\\.\\.(\\d+) = (\\d+)");

    /** Where the demo's ranks run: in containers where they can, or as the choice says. */
    enum RanksIn {
        AUTO, CONTAINER, PROCESS
    }

    private final PrintWriter out;
    private final Path directory;
    private final RanksIn ranksIn;
    private final boolean stayUp;

    /** A demo; with {@code stayUp}, its coordinator and agents keep running after the checks until interrupted. */
    Demo(PrintWriter out, Path directory, RanksIn ranksIn, boolean stayUp) {
        this.out = out;
        this.directory = directory;
        this.ranksIn = ranksIn;
        this.stayUp = stayUp;
    }

    /** Runs the demo; true when every check passed. Everything it started is stopped before it returns. */
    boolean run() throws IOException, InterruptedException {
        CoordinatorConfig config = CoordinatorConfig.embedded(directory.resolve("coordinator"), 0)
                .withAdminKey("demo-admin-key-" + System.nanoTime())
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(90), Duration.ofMillis(500))
                .withEpochs(EPOCH_LENGTH, EpochRewards.COMPUTE_SHARE_BASIS_POINTS_DEFAULT)
                .withChallenges(ChallengePolicy.MEAN_INTERVAL_DEFAULT, CHALLENGE_WORK, true);
        List<Process> agents = new ArrayList<>();
        try (Coordinator coordinator = Coordinator.start(config)) {
            URI url = coordinator.url();
            String certificate = coordinator.certificateSha256().orElseThrow();
            say("coordinator on " + url + " (embedded store in " + directory.resolve("coordinator") + "), TLS "
                    + "certificate SHA-256 " + ServerTrust.display(certificate));
            // The demo's clients pin the certificate it made; its agents trust the key their join tokens name.
            CorralClient anonymous = new CorralClient(url, null, ServerTrust.pinned(certificate));
            CorralClient admin = anonymous.withKey(config.adminKey());
            AccountCreated alice = anonymous.createAccount("alice");
            AccountCreated bob = anonymous.createAccount("bob");
            AccountCreated carol = anonymous.createAccount("carol");
            say("accounts: alice (customer), bob and carol (suppliers, two devices each)");

            List<AccountCreated> owners = List.of(bob, bob, carol, carol);
            for (int i = 0; i < AGENTS; i++) {
                String token = anonymous.withKey(owners.get(i).apiKey()).joinToken().token();
                agents.add(startAgent(url, token, i));
            }
            say(AGENTS + " worker agents started as separate processes; waiting for their devices...");
            waitForIdleDevices(anonymous, AGENTS);
            say(AGENTS + " devices online and idle");

            CorralClient customer = anonymous.withKey(alice.apiKey());
            admin.credit(alice.accountId(), "10", "demo-credit");
            say("admin credited alice " + Format.amount(customer.account().available()));

            DeployRequest request = program(ranksIn == RanksIn.PROCESS
                    ? new LocalImages.Made(Optional.empty(), "asked for with --ranks-in process")
                    : LocalImages.busybox(IMAGE));
            QuoteView quote = customer.quote(request);
            say("quote: " + AGENTS + " CPU devices for 1 h cost " + Format.amount(quote.total()) + " ("
                    + Format.amount(quote.pricePerDeviceHour()) + " per device-hour)");
            ClusterView cluster = customer.deploy(request, "demo-deploy");
            say("deployed " + cluster.clusterId() + ": " + cluster.count() + " devices placed, "
                    + Format.amount(cluster.escrowHeld()) + " in escrow");
            ClusterView done = ClusterCommands.waitForProgress(customer, cluster, out, true);
            ClusterCommands.print(out, done);

            boolean passed = "COMPLETED".equals(done.state());
            passed &= checkResult(customer.logs(cluster.clusterId(), 0));
            passed &= checkMoney(anonymous, customer, bob, carol, done);
            passed &= checkTokenRewards(anonymous, bob, carol);
            say(passed ? "demo passed" : "demo FAILED");
            say("the web faces: Explorer " + url.resolve("/explorer") + " (public); Cloud console "
                    + url.resolve("/cloud") + " (sign in as alice with " + alice.apiKey() + "); the browser asks "
                    + "to accept the certificate above, which the demo made");
            if (stayUp) {
                say("--keep: the coordinator and its 4 agents stay up, their data in " + directory + "; Ctrl-C stops them");
                out.flush();
                // Ctrl-C ends the JVM without the finally below: the agents are stopped on the way out.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> agents.forEach(Process::destroy)));
                new java.util.concurrent.CountDownLatch(1).await();
            }
            return passed;
        } finally {
            stopAgents(agents);
        }
    }

    private Process startAgent(URI url, String token, int index) throws IOException {
        Path data = directory.resolve("agent-" + index);
        Files.createDirectories(data);
        List<String> command = ChildJvm.command(Corral.class, AGENT_HEAP_MB, List.of(), List.of("worker", "--server",
                url.toString(), "--join-token", token, "--data", data.toString(), "--allow-process-runtime",
                "--heartbeat-interval", "1"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(data.resolve("agent.log").toFile())
                .start();
    }

    /**
     * The cluster to deploy: the shell program in containers of the busybox image where it
     * could be made, else the Java program as processes.
     */
    private DeployRequest program(LocalImages.Made image) throws IOException {
        if (image.image().isPresent()) {
            say("ranks run in containers of " + image.image().get() + " (made from " + LocalImages.BUSYBOX + ") on "
                    + image.description());
            String script;
            try (InputStream source = Demo.class.getResourceAsStream("/examples/sum-of-squares.sh")) {
                if (source == null) {
                    throw new IllegalStateException("examples/sum-of-squares.sh is missing from the build");
                }
                script = new String(source.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new DeployRequest("sum-of-squares", null, true, null, AGENTS, 1, null, Runtimes.CONTAINER, script,
                    Map.of("N", Long.toString(N)), null, null).withContainer(new ContainerSpec(image.image().get(),
                            null, null, null, null));
        }
        if (ranksIn == RanksIn.CONTAINER) {
            throw new IllegalStateException("the ranks cannot run in containers here: " + image.description());
        }
        say("ranks run as processes (the process runtime, for trusted set-ups): " + image.description());
        Path program = writeProgram();
        String java = ProcessHandle.current().info().command().orElse("java");
        String cmd = "'" + java + "' -Xmx64m -XX:TieredStopAtLevel=1 '" + program + "' " + N;
        return new DeployRequest("sum-of-squares", null, true, null, AGENTS, 1, null, Runtimes.PROCESS, cmd, Map.of(),
                null, null);
    }

    private void waitForIdleDevices(CorralClient anonymous, int wanted) throws InterruptedException {
        Instant deadline = Instant.now().plus(AGENTS_ONLINE_WAIT_MAX);
        while (anonymous.networkStats().devicesIdle() < wanted) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("agents did not come online within " + AGENTS_ONLINE_WAIT_MAX.toSeconds()
                        + " s; see " + directory + "/agent-*/agent.log");
            }
            Thread.sleep(200);
        }
    }

    /**
     * Writes the ranks' program where they can read it: an agent running as root runs process
     * ranks as users of their own, who may pass through the demo's directory (not list it) and
     * read the program.
     */
    private Path writeProgram() throws IOException {
        Path program = directory.resolve("SumOfSquares.java");
        try (InputStream source = Demo.class.getResourceAsStream("/examples/SumOfSquares.java")) {
            if (source == null) {
                throw new IllegalStateException("examples/SumOfSquares.java is missing from the build");
            }
            Files.copy(source, program);
        }
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x"));
        return program;
    }

    private boolean checkResult(LogView logs) {
        BigInteger expected = BigInteger.valueOf(N).multiply(BigInteger.valueOf(N + 1))
                .multiply(BigInteger.valueOf(2 * N + 1)).divide(BigInteger.valueOf(6));
        for (LogView.LogLine line : logs.lines()) {
            Matcher matcher = RESULT.matcher(line.line());
            if (matcher.find()) {
                boolean right = new BigInteger(matcher.group(2)).equals(expected);
                say("result from rank 0: sum of squares 1.." + N + " = " + matcher.group(2) + (right ? " (correct)"
                        : " (WRONG, expected " + expected + ")"));
                return right;
            }
        }
        say("rank 0 printed no result; its log: " + logs.lines());
        return false;
    }

    private boolean checkMoney(CorralClient anonymous, CorralClient customer, AccountCreated bob, AccountCreated carol,
            ClusterView done) {
        AccountView bobView = anonymous.withKey(bob.apiKey()).account();
        AccountView carolView = anonymous.withKey(carol.apiKey()).account();
        NetworkStats stats = anonymous.networkStats();
        NetworkStats.LedgerTotal usd = stats.ledger().stream().filter(t -> t.currency().equals("USD")).findFirst()
                .orElseThrow();
        long charged = done.charged().minor();
        long earned = bobView.earned().minor() + carolView.earned().minor();
        say("cost: " + Format.amount(done.charged()) + " for the time served, " + Format.amount(done.refunded())
                + " refunded to alice, who now has " + Format.amount(customer.account().available()));
        say("earnings: bob " + Format.amount(bobView.earned()) + ", carol " + Format.amount(carolView.earned())
                + "; network fee " + usd.networkFeesMinor() + " micro-USD (5% of each device's pay, rounded down to the micro-dollar)");
        boolean adds = charged == earned + usd.networkFeesMinor()
                && done.escrowHeld().minor() == charged + done.refunded().minor();
        say("money adds up (escrow = earnings + fee + refund): " + (adds ? "yes" : "NO"));
        boolean zero = stats.ledger().stream().allMatch(t -> t.balanceSumMinor() == 0);
        say("ledger balances sum to zero in every currency: " + (zero ? "yes" : "NO") + " (" + usd.transfers()
                + " transfers, " + usd.fundedFromOutsideMinor() + " micro-USD came in from outside)");
        return adds && zero;
    }

    /** Waits for the epoch in which the cluster was paid to close, shows the IO it paid, and verifies the public ledger. */
    private boolean checkTokenRewards(CorralClient anonymous, AccountCreated bob, AccountCreated carol)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(EPOCH_LENGTH.multipliedBy(EPOCHS_WAITED_MAX));
        long bobIo = 0;
        long carolIo = 0;
        while (Instant.now().isBefore(deadline) && (bobIo == 0 || carolIo == 0)) {
            Thread.sleep(200);
            bobIo = anonymous.withKey(bob.apiKey()).wallet().rewardsIo().minor();
            carolIo = anonymous.withKey(carol.apiKey()).wallet().rewardsIo().minor();
        }
        List<EpochRecord> epochs = anonymous.allEpochs();
        say("IO block rewards: " + epochs.size() + " epochs of " + EPOCH_LENGTH.toSeconds() + " s closed, each minting its "
                + "block; the suppliers' rewards so far (for the compute they sold, and for being available): bob "
                + TokenCommand.io(bobIo) + " IO, carol " + TokenCommand.io(carolIo) + " IO");
        LedgerAudit.Report report = LedgerAudit.verify(anonymous.allJournal(), epochs,
                anonymous.ledgerKey());
        say("public ledger verified from scratch: " + report.entriesChecked() + " hash-chained transfers, "
                + report.epochsChecked() + " signed epoch records: "
                + report.problem().map(problem -> "FAILED at " + problem).orElse("yes"));
        return bobIo > 0 && carolIo > 0 && report.problem().isEmpty();
    }

    private void stopAgents(List<Process> agents) throws InterruptedException {
        agents.forEach(Process::destroy);
        for (Process agent : agents) {
            if (!agent.waitFor(AGENT_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                agent.destroyForcibly();
            }
        }
        if (!agents.isEmpty()) {
            say("stopped the coordinator and " + agents.size() + " agents");
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
