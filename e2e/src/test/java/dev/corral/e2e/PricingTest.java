package dev.corral.e2e;

import static dev.corral.e2e.ClusterLifecycleTest.cpu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.api.ClusterView;
import dev.corral.core.api.DeployRequest;
import dev.corral.core.api.QuoteView;
import dev.corral.sdk.CorralClient;
import dev.corral.sdk.CorralException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PricingTest extends NetworkTest {
    @Test
    void priceFollowsUtilisationAndAQuoteIsHonouredUntilItExpiresForTheRequestItPriced() throws Exception {
        network.supplierWithDevices("supplier", 4);
        CorralClient alice = network.customer("alice", "5");
        CorralClient bob = network.customer("bob", "5");

        QuoteView idle = alice.quote(cpu(1, 2, "true"));
        assertThat(idle.pricePerDeviceHour().minor()).isEqualTo(40_000);
        assertThat(idle.total().minor()).isEqualTo(80_000);
        assertThat(idle.breakdown().utilisation()).isZero();

        ClusterView bobs = bob.deploy(cpu(2, 1, "sleep 300"), null);
        QuoteView busier = alice.quote(cpu(1, 2, "true"));
        // half the pool hired: 0.05 x (0.8 + 0.7 x 0.5²) = 0.04875
        assertThat(busier.breakdown().utilisation()).isEqualTo(0.5);
        assertThat(busier.pricePerDeviceHour().minor()).isEqualTo(48_750);

        ClusterView atQuote = alice.deploy(withQuote(cpu(1, 2, "sleep 300"), idle.quoteId()), null);
        assertThat(atQuote.pricePerDeviceHour().minor()).as("the earlier, lower quote is honoured").isEqualTo(40_000);
        assertThat(atQuote.escrowHeld().minor()).isEqualTo(80_000);

        assertThatThrownBy(() -> alice.deploy(withQuote(cpu(1, 3, "sleep 300"), busier.quoteId()), null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("priced another request");
                });
        assertThatThrownBy(() -> bob.deploy(withQuote(cpu(1, 2, "sleep 300"), busier.quoteId()), null))
                .as("a quote is its customer's alone").isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
        network.awaitState(alice, atQuote.clusterId(), "RUNNING");
        network.awaitState(bob, bobs.clusterId(), "RUNNING");
        network.clock.advance(Duration.ofMinutes(6));
        assertThatThrownBy(() -> alice.deploy(withQuote(cpu(1, 2, "sleep 300"), busier.quoteId()), null))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("expired");
                });
        DeployRequest diagonal = cpu(1, 1, "true");
        assertThatThrownBy(() -> alice.deploy(new DeployRequest(null, null, true, null, 1, 1, null, "process", "true",
                Map.of(), null, null, "diagonal", null), null)).isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.getMessage()).contains("layout must be any, pack or spread"));
        assertThatThrownBy(() -> alice.deploy(withQuote(diagonal, "not-a-quote"), null))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThat(alice.clusters()).hasSize(1);
        assertThat(alice.account().heldInEscrow().minor()).isEqualTo(80_000);
        alice.terminate(atQuote.clusterId());
        bob.terminate(bobs.clusterId());
    }

    private static DeployRequest withQuote(DeployRequest r, String quoteId) {
        return new DeployRequest(r.name(), r.gpu(), r.cpu(), r.gpusPerDevice(), r.count(), r.hours(), r.region(), r.type(),
                r.cmd(), r.env() == null ? Map.of() : r.env(), r.pay(), r.where(), r.layout(), quoteId);
    }
}
