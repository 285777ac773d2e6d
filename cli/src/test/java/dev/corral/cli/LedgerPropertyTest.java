package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Currency;
import dev.corral.core.Money;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.Amount;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.StakeView;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.LedgerAudit;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A seeded random sequence of what people do (credits, deploys, terminations, time passing so
 * clusters settle and epochs close, reward splits, oracle prices, market-maker funding, stakes,
 * unstakes, IOSD mints, and retries of each), over real HTTP with real agents. After every step
 * the public ledger must verify from scratch. The seed is printed on failure.
 */
class LedgerPropertyTest extends NetworkTest {
    static final int STEPS = 60;

    private final List<CorralClient> suppliers = new ArrayList<>();
    private final List<CorralClient> customers = new ArrayList<>();
    private final List<String> clusters = new ArrayList<>();
    private final Map<String, CorralClient> clusterOwners = new HashMap<>();

    @Test
    void aRandomSequenceOfEverythingPeopleDoKeepsTheLedgerVerifiable() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 3; i++) {
            suppliers.add(network.supplierWithDevices("supplier" + i, 1));
            AccountCreated customer = network.anonymous.createAccount("customer" + i);
            customers.add(network.anonymous.withKey(customer.apiKey()));
        }
        List<CorralClient> everyone = new ArrayList<>(suppliers);
        everyone.addAll(customers);
        for (int step = 0; step < STEPS; step++) {
            String what = "?";
            try {
                what = act(random, everyone);
                checkInvariants();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", step " + step + " (" + what + "): " + e.getMessage(), e);
            }
        }
        for (String cluster : clusters) {
            try {
                clusterOwners.get(cluster).terminate(cluster);
            } catch (CorralException ended) {
                assertThat(ended.status()).isEqualTo(409);
            }
        }
        checkInvariants();
    }

    private String act(SplittableRandom random, List<CorralClient> everyone) throws Exception {
        CorralClient anyone = everyone.get(random.nextInt(everyone.size()));
        CorralClient customer = customers.get(random.nextInt(customers.size()));
        String key = random.nextInt(3) == 0 ? "retry-" + random.nextInt(4) : null;
        switch (random.nextInt(11)) {
            case 0 -> {
                String usd = random.nextInt(1, 2_000) + "." + random.nextInt(10, 100);
                refusedAtMost4xx(() -> network.admin.credit(customer.account().accountId(), usd, key));
                return "credit " + usd + " key " + key;
            }
            case 1, 2 -> {
                boolean iosd = random.nextBoolean();
                DeployRequest request = new DeployRequest(null, null, true, null, 1 + random.nextInt(2),
                        1 + random.nextInt(2), null, "process", "sleep 300", Map.of(), iosd ? "IOSD" : "USD", null);
                refusedAtMost4xx(() -> {
                    ClusterView cluster = customer.deploy(request, key);
                    if (!clusterOwners.containsKey(cluster.clusterId())) {
                        clusters.add(cluster.clusterId());
                        clusterOwners.put(cluster.clusterId(), customer);
                    }
                });
                return "deploy " + request.count() + " for " + request.hours() + " h in " + request.pay();
            }
            case 3 -> {
                if (clusters.isEmpty()) {
                    return "nothing to terminate";
                }
                String cluster = clusters.get(random.nextInt(clusters.size()));
                refusedAtMost4xx(() -> clusterOwners.get(cluster).terminate(cluster));
                return "terminate " + cluster;
            }
            case 4, 5 -> {
                int minutes = 1 + random.nextInt(90);
                network.clock.advance(Duration.ofMinutes(minutes));
                Thread.sleep(3 * TestNetwork.SWEEP_INTERVAL.toMillis());
                return "advance " + minutes + " min";
            }
            case 6 -> {
                CorralClient supplier = suppliers.get(random.nextInt(suppliers.size()));
                int split = random.nextInt(101);
                supplier.updateDevice(supplier.devices().getFirst().deviceId(), new DeviceUpdate(null, null, split));
                return "reward split " + split + "%";
            }
            case 7 -> {
                String price = "0." + random.nextInt(10, 100);
                if (random.nextBoolean()) {
                    network.admin.setIoPrice(price);
                    return "price " + price;
                }
                refusedAtMost4xx(() -> network.admin.fundMarketMaker(Integer.toString(1 + random.nextInt(500)), key));
                return "fund market maker";
            }
            case 8 -> {
                long io = ioOf(anyone);
                if (io < 2) {
                    return "no IO to stake";
                }
                CorralClient target = everyone.get(random.nextInt(everyone.size()));
                String amount = Amount.of(new Money(1 + random.nextLong(io / 2), Currency.IO))
                        .amount();
                refusedAtMost4xx(() -> anyone.stake(target.account().accountId(), amount, key));
                return "stake " + amount;
            }
            case 9 -> {
                List<StakeView> active = anyone.stakes().stream().filter(s -> s.state().equals("ACTIVE"))
                        .filter(s -> s.stakerAccountId().equals(anyone.account().accountId())).toList();
                if (active.isEmpty()) {
                    return "nothing to unstake";
                }
                refusedAtMost4xx(() -> anyone.unstake(active.get(random.nextInt(active.size())).stakeId()));
                return "unstake";
            }
            default -> {
                long io = ioOf(anyone);
                if (io < 2) {
                    return "no IO to burn";
                }
                String amount = Amount.of(new Money(1 + random.nextLong(io / 2), Currency.IO))
                        .amount();
                refusedAtMost4xx(() -> anyone.mintIosd(amount, key));
                return "mint IOSD for " + amount + " IO";
            }
        }
    }

    private void checkInvariants() {
        LedgerAudit.Report report = LedgerAudit.verify(LedgerCommand.allJournal(network.anonymous),
                LedgerCommand.allEpochs(network.anonymous), network.anonymous.ledgerKey());
        assertThat(report.problem()).isEmpty();
        Map<String, Long> sums = new HashMap<>();
        report.balances().forEach((account, balance) -> sums.merge(LedgerAudit.currencyOf(account), balance, Long::sum));
        assertThat(sums.values()).as("every currency sums to zero after every transfer").allMatch(sum -> sum == 0);
        NetworkStats stats = network.anonymous.networkStats();
        NetworkStats.TokenSupply token = stats.token();
        int closed = LedgerCommand.allEpochs(network.anonymous).size();
        assertThat(token.mintedBaseUnits()).isEqualTo(EmissionSchedule.supplyAfter(closed));
        assertThat(token.supplyBaseUnits()).isEqualTo(token.mintedBaseUnits() - token.burnedBaseUnits())
                .isLessThanOrEqualTo(EmissionSchedule.HARD_CAP);
        assertThat(stats.ledger()).allMatch(total -> total.balanceSumMinor() == 0);
    }

    private static long ioOf(CorralClient client) {
        return client.wallet().balances().stream().filter(a -> a.currency().equals("IO")).findFirst().orElseThrow()
                .minor();
    }

    private interface Call {
        void run() throws Exception;
    }

    /** Runs a call that may be refused for a reason the caller caused (4xx), never for a failure (5xx). */
    private static void refusedAtMost4xx(Call call) throws Exception {
        try {
            call.run();
        } catch (CorralException refused) {
            assertThat(refused.status()).as(refused.getMessage()).isBetween(400, 499);
        }
    }
}
