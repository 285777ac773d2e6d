package dev.corral.proofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.protocol.OpenedRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class MemoryWalkTest {
    private static final MemoryWalk.Spec SPEC = new MemoryWalk.Spec(7, 10_007, 5, 9 * MemoryWalk.WALKERS_PER_ROW, 40);
    private static final long WALK_SEED = 77;

    @Test
    void anItemIsItsRoundsOfSplitMixAndAWalkReadsTheItemsItsStatePointsAtFromTheWalkSeed() {
        long z = 7 ^ (MemoryWalk.TAG_ITEM * 0x9E3779B97F4A7C15L) ^ (123 * 0xBF58476D1CE4E5B9L);
        for (int round = 0; round < 5; round++) {
            z = MemoryWalk.mix(z + 0x9E3779B97F4A7C15L);
        }
        assertThat(MemoryWalk.item(7, 123, 5)).isEqualTo(z);

        long[] table = new long[(int) SPEC.items()];
        Arrays.setAll(table, i -> MemoryWalk.item(SPEC.seed(), i, SPEC.rounds()));
        long state = MemoryWalk.mix(WALK_SEED ^ (MemoryWalk.TAG_WALKER * 0x9E3779B97F4A7C15L)
                ^ (1_500 * 0xBF58476D1CE4E5B9L));
        for (int step = 0; step < SPEC.steps(); step++) {
            int index = (int) Math.unsignedMultiplyHigh(state, SPEC.items());
            assertThat(index).isBetween(0, table.length - 1);
            state = MemoryWalk.mix(state ^ table[index]);
        }
        assertThat(walks(SPEC, WALK_SEED).states()[1_500]).isEqualTo(state);
        assertThat(MemoryWalk.walkWithoutTable(SPEC, WALK_SEED, 1_500)).isEqualTo(state);
    }

    @Test
    void anHonestDevicePassesForAnySeed() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 5; i++) {
            MemoryWalk.Spec spec = new MemoryWalk.Spec(random.nextLong(), 1 + random.nextInt(50_000),
                    1 + random.nextInt(8), (8 + random.nextInt(3)) * MemoryWalk.WALKERS_PER_ROW, 1 + random.nextInt(64));
            long walkSeed = random.nextLong();
            MemoryWalk.Answer answer = walks(spec, walkSeed);
            int[] rows = MemoryWalk.rowsToCheck(spec, random);
            assertThat(MemoryWalk.verify(spec, walkSeed, answer.root(), rows, MemoryWalk.open(answer, rows), random))
                    .as("seed %d, %s", seed, spec).isTrue();
        }
    }

    /**
     * A card short of the claimed memory that walks only the part of the table it holds ends its
     * walkers elsewhere; so do walks over a table of fewer rounds, another seed's table, or from
     * another walk seed (walks computed before the seed was drawn).
     */
    @Test
    void walksOverASmallerTableFewerRoundsAnotherSeedOrFromAnotherWalkSeedFail() {
        MemoryWalk.Answer honest = walks(SPEC, WALK_SEED);
        List<MemoryWalk.Answer> wrong = new ArrayList<>();
        for (MemoryWalk.Spec other : List.of(
                new MemoryWalk.Spec(SPEC.seed(), SPEC.items() / 2, SPEC.rounds(), SPEC.walkers(), SPEC.steps()),
                new MemoryWalk.Spec(SPEC.seed(), SPEC.items(), SPEC.rounds() - 1, SPEC.walkers(), SPEC.steps()),
                new MemoryWalk.Spec(SPEC.seed() + 1, SPEC.items(), SPEC.rounds(), SPEC.walkers(), SPEC.steps()))) {
            wrong.add(walks(other, WALK_SEED));
        }
        wrong.add(walks(SPEC, WALK_SEED + 1));
        for (MemoryWalk.Answer answer : wrong) {
            SplittableRandom random = new SplittableRandom(3);
            int[] rows = MemoryWalk.rowsToCheck(SPEC, random);
            assertThat(MemoryWalk.verify(SPEC, WALK_SEED, answer.root(), rows, MemoryWalk.open(answer, rows), random))
                    .isFalse();
            // nor does the honest commitment with the other walks' rows under it
            assertThat(MemoryWalk.verify(SPEC, WALK_SEED, honest.root(), rows, MemoryWalk.open(answer, rows), random))
                    .isFalse();
        }
    }

    @Test
    void guessedWalkersRowsThatDoNotMatchTheCommitmentAndMissingRowsFail() {
        MemoryWalk.Answer honest = walks(SPEC, WALK_SEED);
        SplittableRandom random = new SplittableRandom(5);
        int[] rows = MemoryWalk.rowsToCheck(SPEC, random);
        assertThat(rows).hasSize(MemoryWalk.ROWS_CHECKED).doesNotHaveDuplicates();
        List<OpenedRow> opened = MemoryWalk.open(honest, rows);

        // the walkers of one asked row guessed, and committed to: its checked walker is wrong
        long[] guessed = honest.states().clone();
        Arrays.fill(guessed, rows[0] * MemoryWalk.WALKERS_PER_ROW, (rows[0] + 1) * MemoryWalk.WALKERS_PER_ROW, 0);
        MemoryWalk.Answer guess = MemoryWalk.commit(guessed);
        assertThat(MemoryWalk.verify(SPEC, WALK_SEED, guess.root(), rows, MemoryWalk.open(guess, rows), random))
                .isFalse();

        OpenedRow first = opened.getFirst();
        long[] changed = first.values().clone();
        changed[0]++;
        List<OpenedRow> tampered = new ArrayList<>(opened);
        tampered.set(0, new OpenedRow(first.index(), changed, first.proof()));
        assertThat(MemoryWalk.verify(SPEC, WALK_SEED, honest.root(), rows, tampered, random))
                .as("a row changed after the commitment").isFalse();
        assertThat(MemoryWalk.verify(SPEC, WALK_SEED, honest.root(), rows, opened.subList(0, 1), random)).isFalse();
        List<OpenedRow> swapped = new ArrayList<>(opened);
        swapped.set(0, opened.get(1));
        swapped.set(1, first);
        assertThat(MemoryWalk.verify(SPEC, WALK_SEED, honest.root(), rows, swapped, random)).as("rows out of order")
                .isFalse();
    }

    @Test
    void theWorkIsGivenUpWhenAsked() {
        assertThatThrownBy(() -> MemoryWalk.fill(SPEC, () -> true)).isInstanceOf(CancellationException.class);
        MemoryWalk.Table table = MemoryWalk.fill(SPEC, () -> false);
        assertThatThrownBy(() -> MemoryWalk.walk(SPEC, WALK_SEED, table, () -> true))
                .isInstanceOf(CancellationException.class);
    }

    @Test
    void specsOutsideTheirBoundsAreRefused() {
        int rows = MemoryWalk.ROWS_CHECKED * MemoryWalk.WALKERS_PER_ROW;
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 0, 1, rows, 1)).hasMessageContaining("items");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, MemoryWalk.ITEMS_MAX + 1, 1, rows, 1))
                .hasMessageContaining("items");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 0, rows, 1)).hasMessageContaining("rounds");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 1, rows - 1, 1)).hasMessageContaining("walkers");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 1, rows - MemoryWalk.WALKERS_PER_ROW, 1))
                .as("fewer rows than are checked").hasMessageContaining("walkers");
        assertThatThrownBy(() -> new MemoryWalk.Spec(1, 1, 1, rows, MemoryWalk.STEPS_MAX + 1))
                .hasMessageContaining("steps");
    }

    @Test
    void theCoordinatorWalksOnlyTheWalkersItChecks() {
        assertThat(MemoryWalk.verifierHashes(SPEC)).isEqualTo(8L * 40 * 6);
    }

    private static MemoryWalk.Answer walks(MemoryWalk.Spec spec, long walkSeed) {
        return MemoryWalk.walk(spec, walkSeed, MemoryWalk.fill(spec, () -> false), () -> false);
    }
}
