package dev.corral.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.DeviceKind;
import dev.corral.core.GpuModel;
import org.junit.jupiter.api.Test;

class PriceOracleTest {
    private static final ClusterRequest H100_X8_10H = new ClusterRequest(DeviceKind.GPU, new GpuModel("H100"), 8, 2, 10,
            null);

    @Test
    void handComputedPrices() {
        // base 8 x 1.99 = 15.92 USD; idle pool: x 0.8 = 12.736
        assertThat(PriceOracle.price(H100_X8_10H, OfferQuery.parse(""), 0, 0).perDeviceHour().minor())
                .isEqualTo(12_736_000);
        // half hired: 0.8 + 0.7 x 0.25 = 0.975 -> 15.522; fully hired: x 1.5 = 23.88
        assertThat(PriceOracle.price(H100_X8_10H, OfferQuery.parse(""), 0.5, 0).perDeviceHour().minor())
                .isEqualTo(15_522_000);
        assertThat(PriceOracle.price(H100_X8_10H, OfferQuery.parse(""), 1, 0).perDeviceHour().minor())
                .isEqualTo(23_880_000);
        // security>=3 and connectivity>2: 1 + 0.2 + 0.1 = 1.3 -> 12.736 x 1.3 = 16.5568
        assertThat(PriceOracle.price(H100_X8_10H, OfferQuery.parse("security>=3 connectivity>2"), 0, 0).perDeviceHour()
                .minor()).isEqualTo(16_556_800);
        // a week: 10% off; a regular customer: 2% more off -> 12.736 x 0.9 x 0.98 = 11.233152
        ClusterRequest week = new ClusterRequest(DeviceKind.GPU, new GpuModel("H100"), 8, 2, 168, null);
        PriceOracle.Price price = PriceOracle.price(week, OfferQuery.parse(""), 0,
                CustomerDiscount.tier(runToEnd(10)).basisPoints());
        assertThat(price.perDeviceHour().minor()).isEqualTo(11_233_152);
        assertThat(price.total(week).minor()).isEqualTo(11_233_152L * 2 * 168);
    }

    @Test
    void tiersDemandedAreReadFromTheConditions() {
        assertThat(PriceOracle.tierDemanded(OfferQuery.parse("security>=2.5"), OfferQuery.Field.SECURITY)).isEqualTo(3);
        assertThat(PriceOracle.tierDemanded(OfferQuery.parse("security<3"), OfferQuery.Field.SECURITY)).isEqualTo(1);
        assertThat(PriceOracle.tierDemanded(OfferQuery.parse("security=9"), OfferQuery.Field.SECURITY)).isEqualTo(4);
        assertThat(PriceOracle.tierDemanded(OfferQuery.parse("connectivity>3 security>1"), OfferQuery.Field.CONNECTIVITY))
                .isEqualTo(4);
    }

    @Test
    void durationDiscountsAndCustomerTiersStepAtTheirNamedThresholds() {
        assertThat(PriceOracle.durationDiscount(23)).isZero();
        assertThat(PriceOracle.durationDiscount(24)).isEqualTo(500);
        assertThat(PriceOracle.durationDiscount(24 * 30)).isEqualTo(2_000);
        assertThat(CustomerDiscount.tier(runToEnd(9)).name()).isEqualTo("new");
        assertThat(CustomerDiscount.tier(runToEnd(100)).basisPoints()).isEqualTo(500);
        assertThat(CustomerDiscount.tier(runToEnd(5_000)).name()).isEqualTo("partner");
    }

    @Test
    void abuseReportsAndDisputesLostCostACustomerItsReputationAndThenItsDiscount() {
        assertThat(CustomerDiscount.reputation(CustomerDiscount.History.NEW)).isEqualTo(0.5);
        assertThat(CustomerDiscount.tier(CustomerDiscount.History.NEW).name()).as("0.5 is not under 0.5").isEqualTo("new");
        // 10 clusters, 1 dispute lost: 11 / (11 + 1 + 5) = 0.647: still regular
        CustomerDiscount.History disputed = new CustomerDiscount.History(10, 0, 1);
        assertThat(CustomerDiscount.reputation(disputed)).isEqualTo(11.0 / 17);
        assertThat(CustomerDiscount.tier(disputed).name()).isEqualTo("regular");
        // 10 clusters, 1 abuse report: 11 / (11 + 1 + 20) = 0.344: no discount
        CustomerDiscount.History abusive = new CustomerDiscount.History(10, 1, 0);
        assertThat(CustomerDiscount.reputation(abusive)).isEqualTo(11.0 / 32);
        assertThat(CustomerDiscount.tier(abusive)).isEqualTo(CustomerDiscount.REPORTED);
        // 100 clusters outweigh one report: 101 / 122 = 0.828, trusted
        CustomerDiscount.History large = new CustomerDiscount.History(100, 1, 0);
        assertThat(CustomerDiscount.reputation(large)).isEqualTo(101.0 / 122);
        assertThat(CustomerDiscount.tier(large).basisPoints()).isEqualTo(500);
        // a new customer with one dispute lost: 1 / 7
        assertThat(CustomerDiscount.tier(new CustomerDiscount.History(0, 0, 1))).isEqualTo(CustomerDiscount.REPORTED);
    }

    private static CustomerDiscount.History runToEnd(long clusters) {
        return new CustomerDiscount.History(clusters, 0, 0);
    }
}
