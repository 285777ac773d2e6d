package dev.corral.ledger;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The IO emission schedule, exactly as PRODUCT.md reads it: 500,000,000 IO at genesis, then
 * 240 months of 730 hourly blocks; month m mints E0 x 0.9898^m, spread evenly over its blocks,
 * with E0 chosen so the 240 months sum to exactly 300,000,000 IO. A block mints the whole
 * base units by which the floored cumulative emission grows, so rounding is carried forward,
 * the last block lands supply exactly on the 800,000,000 IO cap, and no block passes it.
 */
public final class EmissionSchedule {
    public static final long BASE_UNITS_PER_IO = 1_000_000_000L;
    public static final long GENESIS_SUPPLY = 500_000_000L * BASE_UNITS_PER_IO;
    public static final long HARD_CAP = 800_000_000L * BASE_UNITS_PER_IO;
    public static final long EMISSION_TOTAL = HARD_CAP - GENESIS_SUPPLY;
    public static final int MONTHS = 240;
    public static final int BLOCKS_PER_MONTH = 730;
    public static final long BLOCKS = (long) MONTHS * BLOCKS_PER_MONTH;
    public static final BigDecimal MONTHLY_RATIO = new BigDecimal("0.9898");
    private static final MathContext PRECISION = new MathContext(60, RoundingMode.HALF_EVEN);

    /** monthTotal[m] = E0 x ratio^m in base units, exact to 60 digits. */
    private static final BigDecimal[] MONTH_TOTAL = new BigDecimal[MONTHS];
    /** emittedBefore[m] = the sum of the months before m. */
    private static final BigDecimal[] EMITTED_BEFORE = new BigDecimal[MONTHS + 1];

    static {
        BigDecimal total = BigDecimal.valueOf(EMISSION_TOTAL);
        BigDecimal e0 = total.multiply(BigDecimal.ONE.subtract(MONTHLY_RATIO), PRECISION)
                .divide(BigDecimal.ONE.subtract(MONTHLY_RATIO.pow(MONTHS, PRECISION)), PRECISION);
        BigDecimal month = e0;
        EMITTED_BEFORE[0] = BigDecimal.ZERO;
        for (int m = 0; m < MONTHS; m++) {
            MONTH_TOTAL[m] = month;
            EMITTED_BEFORE[m + 1] = EMITTED_BEFORE[m].add(month, PRECISION);
            month = month.multiply(MONTHLY_RATIO, PRECISION);
        }
    }

    private EmissionSchedule() {}

    /** Whole IO in an amount of base units, rounded down: how stakes count for placement priority. */
    public static long wholeIo(long baseUnits) {
        return baseUnits / BASE_UNITS_PER_IO;
    }

    /** Base units minted by block b (0-based; one block per hourly epoch); zero after the last block. */
    public static long blockEmission(long block) {
        if (block < 0) {
            throw new IllegalArgumentException("block must not be negative: " + block);
        }
        if (block >= BLOCKS) {
            return 0;
        }
        return emittedThrough(block + 1) - emittedThrough(block);
    }

    /** Base units minted by the first n blocks together; {@link #EMISSION_TOTAL} from block {@link #BLOCKS} on. */
    public static long emittedThrough(long blocks) {
        if (blocks < 0) {
            throw new IllegalArgumentException("blocks must not be negative: " + blocks);
        }
        if (blocks >= BLOCKS) {
            return EMISSION_TOTAL;
        }
        int month = (int) (blocks / BLOCKS_PER_MONTH);
        long into = blocks % BLOCKS_PER_MONTH;
        BigDecimal exact = EMITTED_BEFORE[month].add(MONTH_TOTAL[month].multiply(BigDecimal.valueOf(into), PRECISION)
                .divide(BigDecimal.valueOf(BLOCKS_PER_MONTH), PRECISION), PRECISION);
        long floored = exact.setScale(0, RoundingMode.FLOOR).longValueExact();
        assert floored <= EMISSION_TOTAL : "emission passes the cap at block " + blocks;
        return floored;
    }

    /** Total supply after n blocks: genesis plus what they minted. Never above {@link #HARD_CAP}. */
    public static long supplyAfter(long blocks) {
        return GENESIS_SUPPLY + emittedThrough(blocks);
    }

    /** What month m (0-based) mints, in base units, exactly as the blocks of that month add up. */
    public static long monthEmission(int month) {
        if (month < 0 || month >= MONTHS) {
            throw new IllegalArgumentException("month must be 0.." + (MONTHS - 1));
        }
        return emittedThrough((long) (month + 1) * BLOCKS_PER_MONTH) - emittedThrough((long) month * BLOCKS_PER_MONTH);
    }

    /** E0, the first month's emission, in IO (unrounded). */
    public static BigDecimal firstMonthIo() {
        return MONTH_TOTAL[0].movePointLeft(9);
    }
}
