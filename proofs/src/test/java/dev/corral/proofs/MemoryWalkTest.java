package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.protocol.OpenedRow;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class MemoryWalkTest {
    private static final MemoryWalk.Spec SPEC = new MemoryWalk.Spec(7, 10_007, 5, 3 * MemoryWalk.WALKERS_PER_ROW, 40);

    @Test
    void anItemIsItsRoundsOfSplitMixAndAWalkReadsTheItemsItsStatePointsAt() {
        long z = 7 ^ (MemoryWalk.TAG_ITEM * 0x9E3779B97F4A7C15L) ^ (123 * 0xBF58476D1CE4E5B9L);
        for (int round = 0; round < 5; round++) {
            z = MemoryWalk.mix(z + 0x9E3779B97F4A7C15L);
        }
        assertThat(MemoryWalk.item(7, 123, 5)).isEqualTo(z);

        long[] table = new long[(int) SPEC.items()];
        Arrays.setAll(table, i -> MemoryWalk.item(SPEC.seed(), i, SPEC.rounds()));
        long state = MemoryWalk.mix(7 ^ (MemoryWalk.TAG_WALKER * 0x9E3779B97F4A7C15L) ^ (1_500 * 0xBF58476D1CE4E5B9L));
        for (int step = 0; step < SPEC.steps(); step++) {
            int index = (int) Math.unsignedMultiplyHigh(state, SPEC.items());
            assertThat(index).isBetween(0, table.length - 1);
            state = MemoryWalk.mix(state ^ table[index]);
        }
        MemoryWalk.Answer answer = MemoryWalk.compute(SPEC, () -> false);
        assertThat(answer.rows()[1][1_500 - MemoryWalk.WALKERS_PER_ROW]).isEqualTo(state);
    }

    @Test
    void anHonestDevicePassesForAnySeed() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5; i++) {
            MemoryWalk.Spec spec = new MemoryWalk.Spec(random.nextLong(), 1 + random.nextInt(50_000),
                    1 + random.nextInt(8), (2 + random.nextInt(3)) * MemoryWalk.WALKERS_PER_ROW, 1 + random.nextInt(64));
            MemoryWalk.Answer answer = MemoryWalk.compute(spec, () -> false);
            int[] rows = MemoryWalk.rowsToCheck(spec, random);
            assertThat(MemoryWalk.verify(spec, answer.root(), rows, MemoryWalk.open(answer, rows), random))
                    .as("seed %d, %s", seed, spec).isTrue();
        }
    }

    /** A card short of the claimed memory that walks only the part of the table it holds ends its walkers elsewhere. */
    @Test
    void walksOverASmallerTableFewerRoundsOrAnotherSeedFail() {
        MemoryWalk.Answer honest = MemoryWalk.compute(SPEC, () -> false);
        for (MemoryWalk.Spec other : List.of(
                new MemoryWalk.Spec(SPEC.seed(), SPEC.items() / 2, SPEC.rounds(), SPEC.walkers(), SPEC.steps()),
                new MemoryWalk.Spec(SPEC.seed(), SPEC.items(), SPEC.rounds() - 1, SPEC.walkers(), SPEC.steps()),
                new MemoryWalk.Spec(SPEC.seed() + 1, SPEC.items(), SPEC.rounds(), SPEC.walkers(), SPEC.steps()))) {
            MemoryWalk.Answer wrong = MemoryWalk.compute(other, () -> false);
            SplittableRandom random = new SplittableRandom(3);
            int[] rows = MemoryWalk.rowsToCheck(SPEC, random);
            assertThat(MemoryWalk.verify(SPEC, wrong.root(), rows, MemoryWalk.open(wrong, rows), random))
                    .as("walked %s", other).isFalse();
            // nor does the honest commitment with the other walks' rows under it
            assertThat(MemoryWalk.verify(SPEC, honest.root(), rows, MemoryWalk.open(wrong, rows), random)).isFalse();
        }
    }

    @Test
    void aGuessedWalkerRowsThatDoNotMatchTheCommitmentAndMissingRowsFail() {
        MemoryWalk.Answer honest = MemoryWalk.compute(SPEC, () -> false);
        SplittableRandom random = new SplittableRandom(5);
        int[] rows = MemoryWalk.rowsToCheck(SPEC, random);
        List<OpenedRow> opened = MemoryWalk.open(honest, rows);

        // every walker of the opened rows guessed, committed to honestly: a checked walker is wrong
        long[][] guessed = honest.rows().clone();
        for (int row : rows) {
            guessed[row] = new long[MemoryWalk.WALKERS_PER_ROW];
        }
        MemoryWalk.Answer guess = MemoryWalk.commit(Arrays.stream(guessed).flatMapToLong(Arrays::stream).toArray());
        assertThat(MemoryWalk.verify(SPEC, guess.root(), rows, MemoryWalk.open(guess, rows), random)).isFalse();

        OpenedRow first = opened.getFirst();
        long[] changed = first.values().clone();
        changed[0]++;
        assertThat(MemoryWalk.verify(SPEC, honest.root(), rows, List.of(new OpenedRow(first.index(), changed,
                first.proof()), opened.get(1)), random)).as("a row changed after the commitment").isFalse();
        assertThat(MemoryWalk.verify(SPEC, honest.root(), rows, opened.subList(0, 1), random)).isFalse();
        assertThat(MemoryWalk.verify(SPEC, honest.root(), rows, List.of(opened.get(1), first), random))
                .as("rows out of order").isFalse();
        assertThat(MemoryWalk.verify(SPEC, honest.root(), rows, List.of(new OpenedRow(first.index(), null,
                first.proof()), opened.get(1)), random)).isFalse();
    }

    @Test
    void theWorkIsGivenUpWhenAsked() {
        assertThatThrownBy(() -> MemoryWalk.compute(SPEC, () -> true)).isInstanceOf(CancellationException.class);
    }

    @Test
    void specsOutsideTheirBoundsAreRefused() {
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 0, 1, 2_048, 1)).hasMessageContaining("items");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 0, 2_048, 1)).hasMessageContaining("rounds");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 1, 2_047, 1)).hasMessageContaining("walkers");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 1, MemoryWalk.WALKERS_PER_ROW, 1))
                .as("fewer rows than are checked").hasMessageContaining("walkers");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 1, 2_048, MemoryWalk.STEPS_MAX + 1))
                .hasMessageContaining("steps");
    }

    @Test
    void theCoordinatorWalksOnlyTheWalkersItChecks() {
        assertThat(MemoryWalk.verifierHashes(SPEC)).isEqualTo(8L * 40 * 6);
        assertThat(MemoryWalk.fillHashes(SPEC)).isEqualTo(10_007L * 5);
        assertThat(MemoryWalk.reads(SPEC)).isEqualTo(3L * 1_024 * 40);
    }
}
