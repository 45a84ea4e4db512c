package dev.empiric.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.trial.Label;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paper's CIFAR-10 Airbench96 run (97 trials, minimise train_s under an accuracy gate) replayed
 * into the store: the view must show what its harness showed, in the minimising direction.
 */
@QuarkusTest
@TestProfile(RecipesReplayTest.Airbench.class)
class RecipesReplayTest {

    /** Adds the test-only airbench environment (spec only, never built). */
    public static class Airbench implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("empiric.environments-dir", "src/test/resources/lineage-environments");
        }
    }

    @Inject
    LineageService lineage;

    @Inject
    LineageFixtures fixtures;

    long campaign;

    @BeforeEach
    void replay() throws Exception {
        campaign = fixtures.campaign("airbench", LineageFixtures.settings(null), 0.01,
                RecipesTsv.read("/recipes/cifar-results.tsv", "train_s", "accuracy"));
    }

    private LineageView view(String specialist) {
        return lineage.view(campaign, specialist, LineageService.Options.DEFAULT);
    }

    private static List<Integer> numbers(List<LineageEntry> entries) {
        return entries.stream().map(LineageEntry::number).toList();
    }

    @Test
    void leaderboardRanksTheFastestKeepFirst() {
        LineageView view = view("opt");
        assertEquals(List.of(70, 30, 8, 7, 0), numbers(view.leaderboard()));
        assertEquals(List.of(25.1464, 25.2259, 25.4369, 26.1313, 26.356),
                view.leaderboard().stream().map(LineageEntry::score).toList());
        assertEquals(-0.0795, view.leaderboard().getFirst().deltaVsBest());
        assertEquals(0.96008, view.leaderboard().getFirst().metrics().get("accuracy"));
        assertEquals(70, view.standing().bestNumber());
        assertEquals("opt", view.standing().bestSpecialist());
        assertEquals(26.356, view.standing().baselineScore());
        assertEquals(0.05, view.standing().keepThreshold(), 1e-12);
    }

    @Test
    void chainIsTheBaselineThenThirtyThenSeventy() {
        // 7 and 8 were kept too, but on branches off the baseline that 30 did not build on.
        assertEquals(List.of(0, 30, 70), numbers(view("opt").chain()));
    }

    @Test
    void childrenRecentAndOwnFailuresMatchTheRecord() {
        LineageView view = view("opt");
        assertEquals(23, view.bestChildrenTotal());
        assertEquals(List.of(97, 96, 95, 94, 93, 92, 91, 90, 89, 88), numbers(view.bestChildren()));
        assertEquals(List.of(97, 96, 95, 94, 93, 92, 91, 90, 89, 88), numbers(view.recent()));
        assertEquals(List.of(97, 94, 86, 80, 77, 66, 64, 60, 54, 51), numbers(view.ownFailures()));
        assertEquals(Label.PREFLIGHT_FAILED, view.ownFailures().get(1).label());
        assertEquals(Map.of(Label.BASELINE, 1L, Label.KEEP, 4L, Label.DISCARD, 5L, Label.GATE_FAILED, 81L,
                Label.PREFLIGHT_FAILED, 7L), view.labelCounts());
    }

    @Test
    void markdownShowsTheGateMetricOfDisqualifiedTrials() {
        String markdown = LineageMarkdown.render(view("opt"));
        assertTrue(markdown.contains("- #97 [opt, GATE_FAILED, train_s=—, accuracy=0.95852] 42ep + lr=11"), markdown);
        assertTrue(markdown.contains(" └─ #70 [opt, KEEP, train_s=25.1464, Δ=-0.0795, accuracy=0.96008]"), markdown);
        assertTrue(markdown.contains("- Metric: **train_s**, minimize (mean over 10 seeds)"), markdown);
        assertTrue(markdown.contains("- Gates: accuracy ≥ 0.96"), markdown);
        assertTrue(markdown.lines().count() < 100, markdown.lines().count() + " lines:\n" + markdown);
    }
}
