package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Noise pooled newest first, up to the baseline's degrees of freedom; the numbers are digits'. */
@Tag("unit")
class NoiseEstimateTest {

    private static final List<SeedSetScore> BASELINE = List.of(set(0, 0.6767), set(1000, 0.6281), set(2000, 0.6750));

    private static SeedSetScore set(int seed, double score) {
        return new SeedSetScore(List.of(seed), score);
    }

    @Test
    void theBaselinesRepeatsAreTheFirstEstimate() {
        NoiseEstimate estimate = NoiseEstimate.pool(NoiseEstimate.add(List.of(), 0, BASELINE), 2);
        assertEquals(0.0275816, estimate.standardDeviation(), 1e-6);
        assertEquals(2, estimate.degreesOfFreedom());
        assertEquals(List.of(new NoiseEstimate.Contribution(0, 3, estimate.standardDeviation(), 2)), estimate.from());
    }

    @Test
    void aNewIncumbentWithFewSetsBorrowsFromItsPredecessorsByDegreesOfFreedom() {
        List<NoiseEstimate.Source> sources = NoiseEstimate.add(List.of(), 0, BASELINE);
        sources = NoiseEstimate.add(sources, 4, List.of(set(0, 0.9296)));
        assertEquals(0.0275816, NoiseEstimate.pool(sources, 2).standardDeviation(), 1e-6, "one set says nothing yet");

        sources = NoiseEstimate.add(sources, 4, List.of(set(2_000_001, 0.9179)));
        NoiseEstimate pooled = NoiseEstimate.pool(sources, 2);
        double own = Math.pow(0.9296 - 0.9179, 2) / 2;
        assertEquals(Math.sqrt((own + 0.0275816 * 0.0275816) / 2), pooled.standardDeviation(), 1e-6,
                "the baseline lends only the one degree of freedom still missing");
        assertEquals(2, pooled.degreesOfFreedom());
        assertEquals(List.of(4, 0), pooled.from().stream().map(NoiseEstimate.Contribution::trial).toList());
        assertEquals(List.of(1.0, 1.0), pooled.from().stream().map(NoiseEstimate.Contribution::degreesOfFreedom)
                .toList());
    }

    @Test
    void anIncumbentWithEnoughSetsStandsOnItsOwnNumbers() {
        List<NoiseEstimate.Source> sources = NoiseEstimate.add(List.of(), 0, BASELINE);
        sources = NoiseEstimate.add(sources, 4, List.of(set(0, 0.9296), set(11, 0.9179), set(12, 0.9313)));
        NoiseEstimate estimate = NoiseEstimate.pool(sources, 1);
        assertEquals(List.of(4), estimate.from().stream().map(NoiseEstimate.Contribution::trial).toList());
        assertEquals(0.0072954, estimate.standardDeviation(), 1e-6);
        assertEquals(2, estimate.degreesOfFreedom(), "all of its own sets count, even beyond the target");
    }

    @Test
    void aSeedSetMeasuredTwiceCountsOnce() {
        List<NoiseEstimate.Source> sources = NoiseEstimate.add(List.of(), 0, BASELINE);
        sources = NoiseEstimate.add(sources, 0, List.of(set(1000, 0.6281)));
        assertEquals(3, sources.getFirst().seedSets().size(), "a re-run after a restart adds nothing");
    }

    @Test
    void noSourceWithTwoSetsMeansNoEstimate() {
        NoiseEstimate none = NoiseEstimate.pool(NoiseEstimate.add(List.of(), 0, List.of(set(0, 0.68))), 1);
        assertNull(none.standardDeviation());
        assertEquals(0, none.degreesOfFreedom());
        assertEquals(List.of(), NoiseEstimate.read(null));
    }

    @Test
    void theSourcesSurviveTheirJsonColumn() {
        List<NoiseEstimate.Source> sources = NoiseEstimate.add(List.of(), 0, BASELINE);
        assertEquals(sources, NoiseEstimate.read(NoiseEstimate.write(sources)));
    }
}
