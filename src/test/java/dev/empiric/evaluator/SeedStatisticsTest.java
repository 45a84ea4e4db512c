package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Seeds become one measurement: means, sample spreads, and the largest artifact. */
@Tag("unit")
class SeedStatisticsTest {

    @Test
    void metricsAreAveragedWithTheirSpread() {
        Map<String, Double> metrics = SeedStatistics.aggregate(List.of(
                Map.of("accuracy", 0.90, "artifact_bytes", 100.0),
                Map.of("accuracy", 0.92, "artifact_bytes", 300.0),
                Map.of("accuracy", 0.94, "artifact_bytes", 200.0)));
        assertEquals(0.92, metrics.get("accuracy"), 1e-12);
        assertEquals(0.02, metrics.get("accuracy_std"), 1e-12);
        assertEquals(300.0, metrics.get("artifact_bytes"), "the cap must hold for every seed");
        assertFalse(metrics.containsKey("artifact_bytes_std"));
    }

    @Test
    void oneSeedHasNoSpread() {
        Map<String, Double> metrics = SeedStatistics.aggregate(List.of(Map.of("accuracy", 0.9)));
        assertEquals(Map.of("accuracy", 0.9), metrics);
        assertEquals(0.0, SeedStatistics.standardDeviation(List.of(0.9)));
    }
}
