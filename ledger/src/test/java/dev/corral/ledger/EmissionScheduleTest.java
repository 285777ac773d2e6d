package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/** Checked against figures computed here independently, by summing the months one by one. */
class EmissionScheduleTest {
    private static final MathContext MC = new MathContext(50);
    private static final BigDecimal R = new BigDecimal("0.9898");
    private static final BigDecimal NANO = new BigDecimal("1000000000");

    /** E0 in IO from the definition: E0 x (1 + r + r^2 + ... + r^239) = 300,000,000. */
    private static BigDecimal e0() {
        BigDecimal series = BigDecimal.ZERO;
        BigDecimal term = BigDecimal.ONE;
        for (int m = 0; m < 240; m++) {
            series = series.add(term, MC);
            term = term.multiply(R, MC);
        }
        return new BigDecimal("300000000").divide(series, MC);
    }

    private static long floorBase(BigDecimal io) {
        return io.multiply(NANO, MC).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    @Test
    void theFirstBlockMonthAndYearMatchTheDefinition() {
        BigDecimal e0 = e0();
        assertThat(e0.setScale(2, RoundingMode.HALF_EVEN)).isEqualByComparingTo("3345674.56");
        assertThat(EmissionSchedule.blockEmission(0)).isEqualTo(floorBase(e0.divide(new BigDecimal(730), MC)));
        assertThat(EmissionSchedule.monthEmission(0)).isEqualTo(floorBase(e0));
        BigDecimal year = BigDecimal.ZERO;
        for (int m = 0; m < 12; m++) {
            year = year.add(e0.multiply(R.pow(m, MC), MC), MC);
        }
        assertThat(EmissionSchedule.emittedThrough(12 * 730)).isEqualTo(floorBase(year));
        assertThat(year.setScale(0, RoundingMode.HALF_EVEN)).isEqualByComparingTo("37970636");
        BigDecimal firstYearRate = e0.multiply(new BigDecimal(12), MC).divide(new BigDecimal("500000000"), MC);
        assertThat(firstYearRate.movePointRight(2).setScale(2, RoundingMode.HALF_EVEN)).isEqualByComparingTo("8.03");
    }

    @Test
    void everyMonthIsTheLastTimesPoint9898AndEveryBlockOfAMonthIsWithinOneBaseUnit() {
        for (int m = 1; m < 240; m++) {
            double ratio = (double) EmissionSchedule.monthEmission(m) / EmissionSchedule.monthEmission(m - 1);
            assertThat(ratio).as("month %d", m).isCloseTo(0.9898, offset(1e-9));
        }
        long first = EmissionSchedule.blockEmission(0);
        for (int b = 1; b < 730; b++) {
            assertThat(EmissionSchedule.blockEmission(b)).isBetween(first - 1, first + 1);
        }
    }

    @Test
    void twoHundredFortyMonthsMintExactlyThreeHundredMillionAndTheCapIsNeverPassed() {
        long supply = EmissionSchedule.GENESIS_SUPPLY;
        for (long block = 0; block < EmissionSchedule.BLOCKS; block++) {
            long minted = EmissionSchedule.blockEmission(block);
            assertThat(minted).isNotNegative();
            supply += minted;
            if (supply > EmissionSchedule.HARD_CAP) {
                throw new AssertionError("supply passes the cap at block " + block);
            }
        }
        assertThat(supply).isEqualTo(800_000_000L * 1_000_000_000L);
        assertThat(EmissionSchedule.emittedThrough(EmissionSchedule.BLOCKS)).isEqualTo(300_000_000L * 1_000_000_000L);
        assertThat(EmissionSchedule.blockEmission(EmissionSchedule.BLOCKS)).isZero();
        assertThat(EmissionSchedule.supplyAfter(Long.MAX_VALUE)).isEqualTo(EmissionSchedule.HARD_CAP);
    }

    @Test
    void genesisSplitsFiveHundredMillionExactly() {
        assertThat(Genesis.ALLOCATIONS).extracting(Genesis.Allocation::baseUnits).containsExactly(
                62_500_000L * 1_000_000_000L, 51_000_000L * 1_000_000_000L, 56_500_000L * 1_000_000_000L,
                80_000_000L * 1_000_000_000L, 250_000_000L * 1_000_000_000L);
    }
}
