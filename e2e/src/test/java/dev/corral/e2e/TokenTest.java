package dev.corral.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.Currency;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.DeviceUpdate;
import dev.corral.core.api.NetworkStats;
import dev.corral.core.api.WalletView;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.EmissionSchedule;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.ledger.LedgerAudit;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IO earned as rewards, burned for IOSD at the oracle price, and IOSD spent on a cluster. */
class TokenTest extends NetworkTest {
    private static final long NANO = 1_000_000_000L;

    @Test
    void ioEarnedIsBurnedForIosdAtTheOraclePriceAndIosdPaysForClusters() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 1);
        assertThatThrownBy(() -> supplier.mintIosd("1", null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.getMessage()).contains("no IO price yet"));
        assertThatThrownBy(() -> supplier.setIoPrice("1"))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(403));
        network.admin.setIoPrice("0.30");
        network.admin.setIoPrice("0.25");
        assertThat(network.anonymous.ioPrices(10)).extracting(p -> p.usdPerIo().amount())
                .containsExactly("0.250000", "0.300000");

        network.clock.advance(Duration.ofMinutes(125));
        TestNetwork.await("epochs 0 and 1 closed", () -> network.anonymous.epochs(0, 10).size() == 2);
        long earned = EmissionSchedule.blockEmission(1) / 2;
        assertThat(supplier.wallet().rewardsIo().minor()).isEqualTo(earned);

        WalletView minted = supplier.mintIosd("100", "first-mint");
        supplier.mintIosd("100", "first-mint");
        network.admin.setIoPrice("0.40");
        assertThat(supplier.mintIosd("100", "first-mint").balances()).as("a retry after the price moved changes nothing")
                .isEqualTo(minted.balances());
        network.admin.setIoPrice("0.25");
        assertThat(minted.balances()).extracting(a -> a.currency() + " " + a.minor())
                .contains("IO " + (earned - 100 * NANO), "IOSD 25000000");
        NetworkStats stats = network.anonymous.networkStats();
        assertThat(stats.token().burnedBaseUnits()).isEqualTo(100 * NANO);
        assertThat(stats.token().supplyBaseUnits()).isEqualTo(EmissionSchedule.supplyAfter(2) - 100 * NANO);

        assertThatThrownBy(() -> supplier.mintIosd("1000000", null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(402));
        assertThatThrownBy(() -> supplier.mintIosd("-1", null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(supplier.wallet().balances()).isEqualTo(minted.balances());

        DeployRequest inIosd = new DeployRequest(null, null, true, null, 1, 1, null, "process", "sleep 1", Map.of(),
                "IOSD", null);
        assertThatThrownBy(() -> supplier.deploy(new DeployRequest(null, null, true, null, 1, 1, null, "process",
                "true", Map.of(), "EUR", null), null)).isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.getMessage()).contains("pay must be USD or IOSD"));
        ClusterView cluster = supplier.deploy(inIosd, null);
        assertThat(cluster.escrowHeld().currency()).isEqualTo("IOSD");
        network.awaitState(supplier, cluster.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(20));
        ClusterView done = network.awaitState(supplier, cluster.clusterId(), "COMPLETED");
        assertThat(done.charged().currency()).isEqualTo("IOSD");
        assertThat(done.charged().minor()).isPositive();
        WalletView after = supplier.wallet();
        long fee = done.charged().minor() - after.earned().get(1).minor();
        assertThat(after.earned().get(1).currency()).isEqualTo("IOSD");
        assertThat(fee).isEqualTo(done.charged().minor() * 5 / 100);
        assertThat(after.balances()).extracting(a -> a.currency() + " " + a.minor())
                .contains("IOSD " + (25_000_000 - fee));

        assertThat(LedgerAudit.verify(network.anonymous.allJournal(), network.anonymous.allEpochs(),
                network.anonymous.ledgerKey()).problem()).isEmpty();
    }

    @Test
    void theIoShareOfPayBuysIoFromTheMarketMakerThatIsBurnedAndComputePointsCountTheWholePay() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 1);
        String device = supplier.devices().getFirst().deviceId();
        supplier.updateDevice(device, new DeviceUpdate(null, null, 40));
        network.admin.setIoPrice("0.25");
        network.admin.fundMarketMaker("1000", "mm-1");
        network.admin.fundMarketMaker("1000", "mm-1");
        ClusterView ended = halfAnHourOnOneDevice();

        long gross = ended.charged().minor();
        long net = gross - gross * 5 / 100;
        long ioShare = net * 40 / 100;
        long burned = ioShare * NANO / 250_000;
        assertThat(supplier.account().earned().minor()).isEqualTo(net - ioShare);
        assertThat(network.anonymous.networkStats().token().burnedBaseUnits()).isEqualTo(burned);
        assertThat(burned).isPositive();

        network.clock.advance(Duration.ofMinutes(60));
        TestNetwork.await("epoch 0 closed", () -> !network.anonymous.epochs(0, 1).isEmpty());
        assertThat(supplier.wallet().rewardsIo().minor()).as("the only seller takes the whole compute pool")
                .isEqualTo(EmissionSchedule.blockEmission(0) / 2);
        assertThat(LedgerAudit.verify(network.anonymous.allJournal(), network.anonymous.allEpochs(),
                network.anonymous.ledgerKey()).problem()).isEmpty();
    }

    @Test
    void withoutMarketMakerIoTheWholePayIsPaidAsIs() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 1);
        supplier.updateDevice(supplier.devices().getFirst().deviceId(), new DeviceUpdate(null, null, 100));
        network.admin.setIoPrice("0.25");
        ClusterView ended = halfAnHourOnOneDevice();

        long gross = ended.charged().minor();
        assertThat(supplier.account().earned().minor()).isEqualTo(gross - gross * 5 / 100);
        assertThat(network.anonymous.networkStats().token().burnedBaseUnits()).isZero();
    }

    @Test
    void whenTheMarketMakerHoldsTooLittleIoTheWholePayIsPaidAndItsIoIsLeftAlone() throws Exception {
        CorralClient supplier = network.supplierWithDevices("supplier", 1);
        supplier.updateDevice(supplier.devices().getFirst().deviceId(), new DeviceUpdate(null, null, 100));
        network.admin.setIoPrice("0.25");
        // the IO share of 30 minutes' pay (0.019 USD) buys 0.076 IO at 0.25 USD: more than it holds
        network.admin.fundMarketMaker("0.05", "mm-short");
        ClusterView ended = halfAnHourOnOneDevice();

        long gross = ended.charged().minor();
        assertThat(gross).isPositive();
        assertThat(supplier.account().earned().minor()).isEqualTo(ClusterLifecycleTest.netOf(gross));
        assertThat(network.anonymous.networkStats().token().burnedBaseUnits()).isZero();
        LedgerAudit.Report replayed = LedgerAudit.verify(network.anonymous.allJournal(), network.anonymous.allEpochs(),
                network.anonymous.ledgerKey());
        assertThat(replayed.problem()).isEmpty();
        assertThat(replayed.balances().get(LedgerAccounts.marketMaker(Currency.IO))).isEqualTo(50_000_000L);
        assertThat(network.anonymous.allJournal()).extracting(entry -> entry.transfer().kind())
                .doesNotContain(TransferKind.BUYBACK, TransferKind.BURN);
    }

    /** A customer runs a one-device CPU cluster for 30 minutes and terminates it; the cluster as it ended. */
    private ClusterView halfAnHourOnOneDevice() {
        CorralClient alice = network.customer("alice", "5");
        ClusterView cluster = alice.deploy(ClusterLifecycleTest.cpu(1, 1, "sleep 300"), null);
        network.awaitState(alice, cluster.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(30));
        return alice.terminate(cluster.clusterId());
    }
}
