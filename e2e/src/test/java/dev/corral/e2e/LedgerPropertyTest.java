package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Currency;
import dev.corral.core.Money;
import dev.corral.core.api.Amount;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.QuoteView;
import dev.corral.core.api.StakeView;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.LedgerAudit;
import dev.corral.scheduler.ScarcityPolicy;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A seeded random sequence of what people do (credits, quotes and deploys in USD and IOSD,
 * terminations, time passing so clusters expire and epochs close, reward splits, oracle
 * prices, market-maker funding, stakes, unstakes, IOSD mints, and exact retries of each),
 * over real HTTP with real agents, against a model of what each must do. The model says
 * whether each action must succeed or must be refused (and with which status), and holds every
 * customer's exact USD and IOSD, available and in escrow, which the API must report after
 * every step; an account that stakes or burns IO must lose exactly that IO. After every step
 * the public ledger must also verify from scratch. The seed is printed on failure.
 */
class LedgerPropertyTest extends NetworkTest {
    static final int STEPS = 60;
    /** Ranks outlive the test: a cluster ends only when the test ends it or its time runs out. */
    static final String RANK_COMMAND = "sleep 3600";
    /** Readings of the ledger's figures taken before one during which no epoch closed is required. */
    static final int LEDGER_READS_MAX = 5;

    /** What the model expects of one customer's money, in base units. */
    private static final class Purse {
        final Map<Currency, Long> available = new HashMap<>(Map.of(Currency.USD, 0L, Currency.IOSD, 0L));
        final Map<Currency, Long> held = new HashMap<>(Map.of(Currency.USD, 0L, Currency.IOSD, 0L));
    }

    /** A cluster the model holds live, and whose money it is. */
    private record Live(CorralClient owner, Currency currency, long held) {}

    private final List<CorralClient> suppliers = new ArrayList<>();
    private final List<CorralClient> customers = new ArrayList<>();
    private final Map<CorralClient, Purse> purses = new LinkedHashMap<>();
    private final Map<String, Live> live = new LinkedHashMap<>();
    private final Set<String> ended = new HashSet<>();
    /** Each idempotency key used and what it was for: a retry sends the same request again. */
    private final Map<String, Runnable> retries = new LinkedHashMap<>();
    private long microsPerIo;
    private int keys;

    @Test
    void aRandomSequenceOfEverythingPeopleDoDoesWhatTheModelSaysAndKeepsTheLedgerVerifiable() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 3; i++) {
            suppliers.add(network.supplierWithDevices("supplier" + i, 1));
            CorralClient customer = network.customer("customer" + i, null);
            customers.add(customer);
            purses.put(customer, new Purse());
        }
        List<CorralClient> everyone = new ArrayList<>(suppliers);
        everyone.addAll(customers);
        int succeeded = 0;
        for (int step = 0; step < STEPS; step++) {
            String what = "?";
            try {
                what = act(random, everyone);
                succeeded += what.startsWith("ok ") ? 1 : 0;
                reconcile();
                checkPurses();
                checkLedger();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", step " + step + " (" + what + "): " + e.getMessage(), e);
            }
        }
        // A run whose actions mostly change nothing tests little; the draw decides how many do (seed 7383805743967
        // changed 10 of 60): one in ten is the floor.
        assertThat(succeeded).as("seed %d: actions that changed something", seed).isGreaterThanOrEqualTo(STEPS / 10);
        for (String cluster : List.copyOf(live.keySet())) {
            terminate(cluster);
        }
        checkPurses();
        checkLedger();
    }

    private String act(SplittableRandom random, List<CorralClient> everyone) throws Exception {
        CorralClient anyone = everyone.get(random.nextInt(everyone.size()));
        CorralClient customer = customers.get(random.nextInt(customers.size()));
        if (!retries.isEmpty() && random.nextInt(5) == 0) {
            List<String> used = List.copyOf(retries.keySet());
            String key = used.get(random.nextInt(used.size()));
            retries.get(key).run();
            return "retry " + key;
        }
        switch (random.nextInt(11)) {
            case 0 -> {
                long usd = random.nextLong(1, 2_000_000_000L);
                String key = "credit-" + keys++;
                credit(customer, usd, key);
                retries.put(key, () -> credit(customer, usd, key));
                return "ok credit " + usd + " to " + customer.account().name();
            }
            case 1, 2 -> {
                Currency currency = random.nextBoolean() ? Currency.IOSD : Currency.USD;
                DeployRequest request = new DeployRequest(null, null, true, null, 1 + random.nextInt(2),
                        1 + random.nextInt(2), null, "process", RANK_COMMAND, Map.of(), currency.name(), null);
                return deploy(customer, request, currency);
            }
            case 3 -> {
                if (live.isEmpty() && ended.isEmpty()) {
                    return "nothing to terminate";
                }
                List<String> known = new ArrayList<>(live.keySet());
                known.addAll(ended);
                String cluster = known.get(random.nextInt(known.size()));
                return terminate(cluster);
            }
            case 4, 5 -> {
                int minutes = 1 + random.nextInt(90);
                network.clock.advance(Duration.ofMinutes(minutes));
                awaitEndsDue();
                return "advance " + minutes + " min";
            }
            case 6 -> {
                CorralClient supplier = suppliers.get(random.nextInt(suppliers.size()));
                int split = random.nextInt(101);
                supplier.updateDevice(supplier.devices().getFirst().deviceId(), new DeviceUpdate(null, null, split));
                return "ok reward split " + split + "%";
            }
            case 7 -> {
                if (random.nextBoolean()) {
                    long micros = random.nextLong(10_000, 1_000_000);
                    network.admin.setIoPrice(Amount.of(new Money(micros, Currency.USD)).amount());
                    microsPerIo = micros;
                    return "ok price " + micros + " micro-USD per IO";
                }
                String key = "fund-" + keys++;
                String io = Integer.toString(1 + random.nextInt(500));
                network.admin.fundMarketMaker(io, key);
                retries.put(key, () -> network.admin.fundMarketMaker(io, key));
                return "ok fund market maker " + io + " IO";
            }
            case 8 -> {
                long io = ioOf(anyone);
                if (io < 2) {
                    return "no IO to stake";
                }
                CorralClient target = everyone.get(random.nextInt(everyone.size()));
                long amount = 1 + random.nextLong(io / 2);
                String key = "stake-" + keys++;
                burnsExactly(anyone, amount, () -> anyone.stake(target.account().accountId(), io(amount), key));
                retries.put(key, () -> burnsExactly(anyone, 0,
                        () -> anyone.stake(target.account().accountId(), io(amount), key)));
                return "ok stake " + amount;
            }
            case 9 -> {
                String me = anyone.account().accountId();
                List<StakeView> active = anyone.stakes().stream().filter(s -> s.state().equals("ACTIVE"))
                        .filter(s -> s.stakerAccountId().equals(me)).toList();
                if (active.isEmpty()) {
                    return "nothing to unstake";
                }
                StakeView stake = active.get(random.nextInt(active.size()));
                assertThat(anyone.unstake(stake.stakeId()).state()).isNotEqualTo("ACTIVE");
                return "ok unstake " + stake.stakeId();
            }
            default -> {
                return mint(anyone, random);
            }
        }
    }

    private void credit(CorralClient customer, long usd, String key) {
        boolean first = !retries.containsKey(key);
        network.admin.credit(customer.account().accountId(), Amount.of(new Money(usd, Currency.USD)).amount(), key);
        if (first) {
            purses.get(customer).available.merge(Currency.USD, usd, Long::sum);
        }
    }

    /**
     * Quotes (which must succeed, saying how many devices match), then deploys at the quoted
     * price. It must succeed when the pool has the devices
     * (and keeps its reserve for staked customers) and the purse holds the price; it must be
     * refused 409 without the devices and 402 without the money. A retry with its key returns
     * the same cluster and holds nothing more.
     */
    private String deploy(CorralClient customer, DeployRequest unquoted, Currency currency) {
        QuoteView quote = customer.quote(unquoted);
        DeployRequest request = new DeployRequest(unquoted.name(), unquoted.gpu(), unquoted.cpu(),
                unquoted.gpusPerDevice(), unquoted.count(), unquoted.hours(), unquoted.region(), unquoted.type(),
                unquoted.cmd(), unquoted.env(), unquoted.pay(), unquoted.where(), null, quote.quoteId());
        long total = quote.total().minor();
        boolean devices = quote.devicesAvailable() >= request.count();
        boolean reserveKept = ScarcityPolicy.allows(quote.devicesAvailable(), request.count(), 0);
        boolean money = purses.get(customer).available.get(currency) >= total;
        String key = "deploy-" + keys++;
        ClusterView cluster;
        try {
            cluster = customer.deploy(request, key);
        } catch (CorralException refused) {
            if (!devices) {
                assertThat(refused.status()).as(refused.getMessage()).isEqualTo(409);
            } else if (!reserveKept) {
                // the reserve is kept from this customer unless IO staked on it opens it; then the money decides
                assertThat(refused.status()).as(refused.getMessage()).isIn(409, money ? 409 : 402);
            } else {
                assertThat(money).as("refused though the purse holds %d for %d: %s", purses.get(customer).available
                        .get(currency), total, refused.getMessage()).isFalse();
                assertThat(refused.status()).as(refused.getMessage()).isEqualTo(402);
            }
            return "refused deploy of " + request.count() + " for " + total + " " + currency;
        }
        assertThat(devices).as("placed without the devices").isTrue();
        assertThat(money).as("placed without the money").isTrue();
        assertThat(cluster.escrowHeld().minor()).isEqualTo(total);
        Purse purse = purses.get(customer);
        purse.available.merge(currency, -total, Long::sum);
        purse.held.merge(currency, total, Long::sum);
        live.put(cluster.clusterId(), new Live(customer, currency, total));
        retries.put(key, () -> {
            ClusterView again = customer.deploy(request, key);
            assertThat(again.clusterId()).isEqualTo(cluster.clusterId());
        });
        return "ok deploy " + request.count() + " for " + request.hours() + " h, " + total + " " + currency;
    }

    /** A live cluster's termination must succeed and refund what it did not charge; an ended one's is a 409. */
    private String terminate(String clusterId) {
        Live cluster = live.get(clusterId);
        if (cluster == null) {
            CorralClient owner = customers.stream().filter(c -> c.clusters().stream()
                    .anyMatch(v -> v.clusterId().equals(clusterId))).findFirst().orElseThrow();
            try {
                owner.terminate(clusterId);
            } catch (CorralException refused) {
                assertThat(refused.status()).isEqualTo(409);
                return "refused terminate of ended " + clusterId;
            }
            throw new AssertionError("an ended cluster was terminated again: " + clusterId);
        }
        ClusterView view = cluster.owner().terminate(clusterId);
        assertThat(view.state()).isEqualTo("TERMINATED");
        settle(clusterId, view);
        return "ok terminate " + clusterId;
    }

    /** Moves an ended cluster's money in the model: the escrow leaves, the refund comes back. */
    private void settle(String clusterId, ClusterView view) {
        Live cluster = live.remove(clusterId);
        ended.add(clusterId);
        assertThat(view.charged().minor() + view.refunded().minor()).as("charged and refunded empty the escrow")
                .isEqualTo(cluster.held());
        assertThat(view.charged().minor()).isEqualTo(ClusterLifecycleTest.chargeOf(view));
        Purse purse = purses.get(cluster.owner());
        purse.held.merge(cluster.currency(), -cluster.held(), Long::sum);
        purse.available.merge(cluster.currency(), view.refunded().minor(), Long::sum);
    }

    /**
     * After the clock moved: waits for every epoch it passed to close (its rewards are paid in the
     * background) and every cluster whose paid time ran out, or whose start timed out, to end.
     */
    private void awaitEndsDue() {
        network.awaitEpochsDue();
        Instant now = network.clock.instant();
        for (Map.Entry<String, Live> cluster : live.entrySet()) {
            ClusterView view = cluster.getValue().owner().cluster(cluster.getKey());
            boolean expired = view.expiresAt() != null && !now.isBefore(view.expiresAt());
            boolean timedOut = view.runningAt() == null
                    && !now.isBefore(view.createdAt().plus(TestNetwork.DEPLOY_TIMEOUT));
            if (expired || timedOut) {
                network.awaitState(cluster.getValue().owner(), cluster.getKey(), "EXPIRED", "FAILED", "COMPLETED");
            }
        }
    }

    /** Settles in the model every cluster the coordinator has ended since the last step. */
    private void reconcile() {
        for (String clusterId : List.copyOf(live.keySet())) {
            ClusterView view = live.get(clusterId).owner().cluster(clusterId);
            if (!List.of("PENDING", "DEPLOYING", "RUNNING").contains(view.state())) {
                settle(clusterId, view);
            }
        }
    }

    /** Mints IOSD for some of an account's IO: it must succeed with a price and a value of at least one micro-IOSD. */
    private String mint(CorralClient who, SplittableRandom random) {
        long io = ioOf(who);
        if (io < 2) {
            return "no IO to burn";
        }
        long amount = 1 + random.nextLong(io / 2);
        // the USD value of the IO burned at the oracle's price, rounded down (docs/economics.md)
        long iosd = BigInteger.valueOf(amount).multiply(BigInteger.valueOf(microsPerIo))
                .divide(BigInteger.valueOf(EmissionSchedule.BASE_UNITS_PER_IO)).longValueExact();
        String key = "mint-" + keys++;
        long iosdBefore = iosdOf(who);
        if (iosd == 0) {
            try {
                who.mintIosd(io(amount), key);
                throw new AssertionError("minted without a price or for less than one micro-IOSD");
            } catch (CorralException refused) {
                assertThat(refused.status()).isIn(400, 409);
                assertThat(ioOf(who)).isEqualTo(io);
                return "refused mint for " + amount + " IO";
            }
        }
        burnsExactly(who, amount, () -> who.mintIosd(io(amount), key));
        assertThat(iosdOf(who)).isEqualTo(iosdBefore + iosd);
        Purse purse = purses.get(who);
        if (purse != null) {
            purse.available.merge(Currency.IOSD, iosd, Long::sum);
        }
        retries.put(key, () -> {
            long before = iosdOf(who);
            burnsExactly(who, 0, () -> who.mintIosd(io(amount), key));
            assertThat(iosdOf(who)).isEqualTo(before);
        });
        return "ok mint " + iosd + " IOSD for " + amount + " IO";
    }

    /** Runs a call that must succeed and must take exactly this much IO from the account (0 for a retry). */
    private static void burnsExactly(CorralClient who, long io, Runnable call) {
        long before = ioOf(who);
        call.run();
        assertThat(ioOf(who)).as("IO after the call").isEqualTo(before - io);
    }

    private void checkPurses() {
        for (Map.Entry<CorralClient, Purse> entry : purses.entrySet()) {
            Map<String, Long> available = new HashMap<>();
            Map<String, Long> held = new HashMap<>();
            var wallet = entry.getKey().wallet();
            wallet.balances().forEach(a -> available.put(a.currency(), a.minor()));
            wallet.heldInEscrow().forEach(a -> held.put(a.currency(), a.minor()));
            for (Currency currency : List.of(Currency.USD, Currency.IOSD)) {
                assertThat(available.getOrDefault(currency.name(), 0L)).as("%s available of %s", currency,
                        wallet.accountId()).isEqualTo(entry.getValue().available.get(currency));
                assertThat(held.getOrDefault(currency.name(), 0L)).as("%s in escrow of %s", currency,
                        wallet.accountId()).isEqualTo(entry.getValue().held.get(currency));
            }
        }
    }

    /**
     * The public ledger verifies from scratch and the supply follows the schedule. An epoch may
     * close while the figures are read (the clock just moved): the records are read first, so
     * the journal read after them reaches at least as far, and the reading is taken again,
     * a bounded number of times, until no epoch closed during it.
     */
    private void checkLedger() {
        for (int attempt = 1; ; attempt++) {
            List<EpochRecord> epochs = network.anonymous.allEpochs();
            LedgerAudit.Report report = LedgerAudit.verify(network.anonymous.allJournal(), epochs,
                    network.anonymous.ledgerKey());
            NetworkStats stats = network.anonymous.networkStats();
            if (network.anonymous.allEpochs().size() != epochs.size() && attempt < LEDGER_READS_MAX) {
                continue;
            }
            assertThat(report.problem()).isEmpty();
            Map<String, Long> sums = new HashMap<>();
            report.balances().forEach((account, balance) -> sums.merge(LedgerAudit.currencyOf(account), balance,
                    Long::sum));
            assertThat(sums.values()).as("every currency sums to zero after every transfer").isNotEmpty()
                    .allMatch(sum -> sum == 0);
            NetworkStats.TokenSupply token = stats.token();
            assertThat(token.mintedBaseUnits()).isEqualTo(EmissionSchedule.supplyAfter(epochs.size()));
            assertThat(token.supplyBaseUnits()).isEqualTo(token.mintedBaseUnits() - token.burnedBaseUnits())
                    .isLessThanOrEqualTo(EmissionSchedule.HARD_CAP);
            assertThat(stats.ledger()).isNotEmpty().allMatch(total -> total.balanceSumMinor() == 0);
            return;
        }
    }

    private static String io(long baseUnits) {
        return Amount.of(new Money(baseUnits, Currency.IO)).amount();
    }

    private static long ioOf(CorralClient client) {
        return balanceOf(client, Currency.IO);
    }

    private static long iosdOf(CorralClient client) {
        return balanceOf(client, Currency.IOSD);
    }

    private static long balanceOf(CorralClient client, Currency currency) {
        return client.wallet().balances().stream().filter(a -> a.currency().equals(currency.name())).findFirst()
                .map(Amount::minor).orElse(0L);
    }
}
