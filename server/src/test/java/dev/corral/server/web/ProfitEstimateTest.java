package dev.corral.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ProfitEstimateTest {
    /** An H100 at $2.00 an hour hired half the time, 1,000 IO a block of which half rewards availability, 24 blocks a day. */
    private static ProfitEstimate.Inputs h100(long floorMicros, long networkWeightMilli) {
        return new ProfitEstimate.Inputs(2_000_000, floorMicros, new BigDecimal("0.5"), 500, 1_000_000_000_000L, 5_000,
                24, 10_000, networkWeightMilli, 850_000, 700, new BigDecimal("0.15"));
    }

    @Test
    void payIsTheMarketPriceForTheHoursHiredLessTheFeeAndRewardsAreTheDevicesWeightedShareOfADaysBlocks() {
        ProfitEstimate estimate = ProfitEstimate.of(h100(1_500_000, 30_000));

        // 2.00 x 24 x 0.5 x 0.95
        assertThat(estimate.payUsd()).isEqualByComparingTo("22.80");
        // 500 IO x 24 blocks x 10 / (30 + 10)
        assertThat(estimate.availabilityIo()).isEqualByComparingTo("3000");
        assertThat(estimate.availabilityUsd()).isEqualByComparingTo("2550.00");
        // 0.7 kW x 24 h x $0.15
        assertThat(estimate.powerUsd()).isEqualByComparingTo("2.52");
        assertThat(estimate.netUsd()).isEqualByComparingTo("2570.28");
        assertThat(estimate.floorAboveMarket()).isFalse();
    }

    @Test
    void aFloorAboveTheMarketPriceIsNeverHiredAndTheFirstDeviceTakesTheWholeAvailabilityReward() {
        ProfitEstimate estimate = ProfitEstimate.of(h100(2_000_001, 0));

        assertThat(estimate.floorAboveMarket()).isTrue();
        assertThat(estimate.payUsd()).isEqualByComparingTo("0");
        assertThat(estimate.availabilityIo()).isEqualByComparingTo("12000");
    }
}
