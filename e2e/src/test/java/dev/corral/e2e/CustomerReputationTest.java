package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.AccountView;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.QuoteView;
import dev.corral.core.api.ReportView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A customer earns its discount by running clusters to their end, and loses it to an abuse report. */
class CustomerReputationTest extends NetworkTest {
    @Test
    void clustersRunToTheirEndEarnADiscountThatAnAbuseReportTakesAway() throws Exception {
        network.supplierWithDevices("supplier", 4);
        CorralClient acme = network.customer("acme", "5");
        QuoteView first = acme.quote(cpu(1, 1, "true"));
        assertThat(first.breakdown().customerTier()).isEqualTo("new");
        assertThat(acme.account().reputation()).isEqualTo(0.5);

        // ten clusters that complete, four at a time on the four devices
        for (int done = 0; done < 10; ) {
            awaitIdlePool(acme);
            List<ClusterView> batch = new ArrayList<>();
            for (int i = 0; i < 4 && done + i < 10; i++) {
                batch.add(acme.deploy(cpu(1, 1, "true"), null));
            }
            for (ClusterView cluster : batch) {
                network.awaitState(acme, cluster.clusterId(), "COMPLETED");
            }
            done += batch.size();
        }
        awaitIdlePool(acme);
        AccountView regular = acme.account();
        assertThat(regular.clustersRunToEnd()).isEqualTo(10);
        assertThat(regular.discountTier()).isEqualTo("regular");
        assertThat(regular.reputation()).isEqualTo(11.0 / 12);
        QuoteView discounted = acme.quote(cpu(1, 1, "true"));
        assertThat(discounted.breakdown().customerDiscountPercent()).isEqualTo(2.0);
        // 0.05 USD/h for a CPU device on an idle pool: x 0.8 = 0.04, then 2% off = 0.0392
        assertThat(discounted.pricePerDeviceHour().minor()).isEqualTo(39_200);

        String cluster = acme.clusters().getFirst().clusterId();
        ReportView report = network.admin.reportAccount(acme.account().accountId(), "abuse",
                "mined cryptocurrency on rented devices", cluster);
        assertThat(report.kind()).isEqualTo("ABUSE");
        AccountView reported = acme.account();
        // 11 / (11 + 1 + 20) = 0.34375, under 0.5: no discount
        assertThat(reported.reputation()).isEqualTo(11.0 / 32);
        assertThat(reported.discountTier()).isEqualTo("reported");
        assertThat(reported.reports()).singleElement().satisfies(seen -> {
            assertThat(seen.reason()).isEqualTo("mined cryptocurrency on rented devices");
            assertThat(seen.clusterId()).isEqualTo(cluster);
        });
        QuoteView undiscounted = acme.quote(cpu(1, 1, "true"));
        assertThat(undiscounted.breakdown().customerTier()).isEqualTo("reported");
        assertThat(undiscounted.pricePerDeviceHour().minor()).isEqualTo(40_000);
    }

    @Test
    void onlyTheAdminReportsAndABadReportIsRefusedWithoutWritingAnything() {
        CorralClient acme = network.customer("acme", null);
        CorralClient other = network.customer("other", "5");
        String acmeId = acme.account().accountId();
        assertThatThrownBy(() -> other.reportAccount(acmeId, "abuse", "spite", null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> network.admin.reportAccount(acmeId, "rudeness", "was rude", null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("[abuse, dispute]");
                });
        assertThatThrownBy(() -> network.admin.reportAccount(acmeId, "dispute", "  ", null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> network.admin.reportAccount(acmeId, "dispute", "x".repeat(501), null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> network.admin.reportAccount("acc_00000000000000000000", "abuse", "who", null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> network.admin.reportAccount(acmeId, "abuse", "someone else's cluster",
                "clu_00000000000000000000")).isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("is not one of account");
                });
        assertThat(acme.account().reports()).isEmpty();
        assertThat(acme.account().reputation()).isEqualTo(0.5);

        network.admin.reportAccount(acmeId, "dispute", "chargeback on a deposit, upheld", null);
        AccountView disputed = acme.account();
        // 1 / (1 + 1 + 5)
        assertThat(disputed.reputation()).isEqualTo(1.0 / 7);
        assertThat(disputed.discountTier()).isEqualTo("reported");
        assertThat(other.account().reports()).as("reports are their customer's own business").isEmpty();
    }

    /** A completed cluster's devices come back to the pool just after it: deploy and quote on an idle pool. */
    private static void awaitIdlePool(CorralClient customer) {
        TestNetwork.await("an idle pool", () -> customer.quote(cpu(1, 1, "true")).breakdown().utilisation() == 0);
    }
}
