package dev.corral.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PullTallyTest {
    @Test
    void sumsEachLayersDownloadOfTheSizesKnown() {
        PullTally tally = new PullTally();
        tally.add("a", "Pulling fs layer", null, null);
        tally.add("b", "Pulling fs layer", null, null);
        tally.add("a", "Downloading", 300L, 1_000L);
        assertThat(tally.progress()).isEqualTo(new PullTally.Progress(300, 1_000));
        tally.add("b", "Downloading", 50L, 500L);
        tally.add("a", "Downloading", 900L, 1_000L);
        assertThat(tally.progress()).isEqualTo(new PullTally.Progress(950, 1_500));
        tally.add("a", "Download complete", null, null);
        assertThat(tally.progress()).isEqualTo(new PullTally.Progress(1_050, 1_500));
    }

    @Test
    void extractionIsNotDownloadAndNothingGoesBackwards() {
        PullTally tally = new PullTally();
        tally.add("a", "Downloading", 800L, 1_000L);
        tally.add("a", "Extracting", 10L, 4_000L);
        tally.add("a", "Downloading", 700L, 1_000L);
        assertThat(tally.progress()).isEqualTo(new PullTally.Progress(800, 1_000));
        tally.add("a", "Pull complete", null, null);
        assertThat(tally.progress()).isEqualTo(new PullTally.Progress(1_000, 1_000));
    }

    @Test
    void aLayerTheEngineAlreadyHasCountsNothingAndItemsWithoutALayerAreIgnored() {
        PullTally tally = new PullTally();
        tally.add("a", "Already exists", null, null);
        tally.add(null, "Pulling from library/busybox", null, null);
        tally.add("b", "Downloading", 2_000L, 0L);
        assertThat(tally.progress()).isEqualTo(new PullTally.Progress(2_000, 0));
        assertThat(tally.started()).isFalse();
        tally.start();
        assertThat(tally.started()).isTrue();
    }
}
