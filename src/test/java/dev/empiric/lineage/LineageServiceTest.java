package dev.empiric.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.trial.Label;
import dev.empiric.DomainException;
import dev.empiric.campaign.UnknownCampaign;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The lineage view built from the synthetic digits lineage of {@link LineageFixtures#digits}. */
@QuarkusTest
@Tag("store")
class LineageServiceTest {

    @Inject
    LineageService lineage;

    @Inject
    LineageFixtures fixtures;

    @Inject
    ObjectMapper json;

    long campaign;

    @BeforeEach
    void lineage() {
        campaign = fixtures.digits(LineageFixtures.settings(null));
    }

    private LineageView view(String specialist) {
        return lineage.view(campaign, specialist, LineageService.Options.DEFAULT);
    }

    private static List<Integer> numbers(List<LineageEntry> entries) {
        return entries.stream().map(LineageEntry::number).toList();
    }

    @Test
    void leaderboardHoldsKeptTrialsBestFirstWithTheirDeltas() {
        LineageView view = view("opt");
        assertEquals(List.of(4, 2, 1, 0), numbers(view.leaderboard()));
        assertEquals(List.of(0.02, 0.01, 0.02), view.leaderboard().subList(0, 3).stream()
                .map(LineageEntry::deltaVsBest).toList());
        assertNull(view.leaderboard().get(3).deltaVsBest());
        assertEquals("hyp 4: wider | and tanh", view.leaderboard().getFirst().hypothesis());

        LineageView top2 = lineage.view(campaign, "opt", new LineageService.Options(2, 10, 10, 20));
        assertEquals(List.of(4, 2), numbers(top2.leaderboard()));
    }

    @Test
    void chainFollowsParentsThroughADiscardedTrialAndSkipsSideBranches() {
        // 4's parent is 3 (discarded), whose parent is 1: the chain is 0, 1, 4; 2 kept on another branch.
        assertEquals(List.of(0, 1, 4), numbers(view("opt").chain()));
    }

    @Test
    void standingNamesTheBestAndTheBarToClear() {
        LineageView.Standing standing = view("opt").standing();
        assertEquals(4, standing.bestNumber());
        assertEquals(0.95, standing.bestScore());
        assertEquals("arch", standing.bestSpecialist());
        assertEquals("hyp 4: wider | and tanh", standing.bestHypothesis());
        assertEquals(0.90, standing.baselineScore());
        assertEquals(0.001, standing.noiseFloor());
        assertEquals(0.002, standing.keepThreshold(), 1e-12); // max(min_delta 0.002, 2 x 0.001)
    }

    @Test
    void bestChildrenAreFinishedAgentOutcomesNewestNumberFirst() {
        LineageView view = view("opt");
        assertEquals(List.of(8, 6, 5), numbers(view.bestChildren()));
        assertEquals(List.of(Label.GATE_FAILED, Label.DISCARD, Label.CRASH),
                view.bestChildren().stream().map(LineageEntry::label).toList());
        assertEquals(3, view.bestChildrenTotal());
        assertEquals(Map.of("accuracy", 0.4), view.bestChildren().getFirst().metrics());

        LineageView one = lineage.view(campaign, "opt", new LineageService.Options(20, 10, 10, 1));
        assertEquals(List.of(8), numbers(one.bestChildren()));
        assertEquals(3, one.bestChildrenTotal());
    }

    @Test
    void recentIsOrderedByFinishingTimeNewestFirst() {
        assertEquals(List.of(6, 8, 5, 4, 3, 2, 1, 0), numbers(view("opt").recent()));
        LineageView three = lineage.view(campaign, "opt", new LineageService.Options(20, 3, 10, 20));
        assertEquals(List.of(6, 8, 5), numbers(three.recent()));
        assertEquals("improves on nothing\nsecond line", three.recent().getFirst().notes());
    }

    @Test
    void ownFailuresAreThisSpecialistsRejectedAndFailedTrialsOnly() {
        assertEquals(List.of(6, 8, 5), numbers(view("opt").ownFailures()));
        assertEquals(List.of(3), numbers(view("arch").ownFailures()));
        assertEquals(List.of(), numbers(view("reg").ownFailures())); // its only failure was the infrastructure's
        assertEquals(List.of(), numbers(view(null).ownFailures()));
        LineageView one = lineage.view(campaign, "opt", new LineageService.Options(20, 10, 1, 20));
        assertEquals(List.of(6), numbers(one.ownFailures()));
    }

    @Test
    void labelCountsLeaveOutInfrastructureAndUnfinishedTrials() {
        assertEquals(Map.of(Label.BASELINE, 1L, Label.KEEP, 3L, Label.DISCARD, 2L, Label.CRASH, 1L,
                Label.GATE_FAILED, 1L), view("opt").labelCounts());
        assertEquals(8, view("opt").asOfTrial());
    }

    @Test
    void infrastructureFailuresAndUnfinishedTrialsAppearNowhere() throws Exception {
        for (String specialist : new String[] {"opt", "reg", null}) {
            LineageView view = view(specialist);
            String text = json.writeValueAsString(view) + LineageMarkdown.render(view);
            assertFalse(text.contains("INFRA-MARKER"), text);
            assertFalse(text.contains("INFRA_ERROR"), text);
            assertFalse(text.contains("docker went away"), text);
            assertFalse(text.contains("UNFINISHED-MARKER"), text);
        }
    }

    @Test
    void taskCarriesTheSpecialistsSurfaceAndTheCampaignsBudgets() {
        LineageView.Task task = view("opt").task();
        assertEquals("digits", task.environment());
        assertEquals("accuracy", task.metric());
        assertEquals(List.of("train.py"), task.editable());
        assertEquals("opt", task.surface());
        assertEquals(List.of("LEARNING_RATE", "MOMENTUM", "BATCH_SIZE"),
                task.knobs().stream().map(k -> k.name()).toList());
        assertEquals(List.of("arch", "opt", "reg", "sched"), task.surfaces());
        assertEquals(new LineageView.Budgets(60, 30, 512, 262144L, false), task.budgets());
        assertNull(view("external").task().surface());
        assertTrue(view("external").task().knobs().isEmpty());

        long overridden = fixtures.digits(new CampaignSettings(45, null, 256, null, null, null, null, null, null));
        assertEquals(new LineageView.Budgets(45, 30, 256, 262144L, false),
                lineage.view(overridden, "opt", LineageService.Options.DEFAULT).task().budgets());
    }

    @Test
    void switchedOffTheViewHoldsOnlyTheTaskAndTheBestsNumberAndScore() {
        long ablation = fixtures.digits(LineageFixtures.settings(false));
        LineageView view = lineage.view(ablation, "opt", LineageService.Options.DEFAULT);
        assertFalse(view.enabled());
        assertEquals("opt", view.task().surface());
        assertEquals(new LineageView.Standing(4, 0.95, null, null, null, null, null, null, null, null, null), view.standing());
        assertTrue(view.leaderboard().isEmpty());
        assertTrue(view.chain().isEmpty());
        assertTrue(view.bestChildren().isEmpty());
        assertTrue(view.recent().isEmpty());
        assertTrue(view.ownFailures().isEmpty());
        assertTrue(view.labelCounts().isEmpty());
        assertTrue(view(null).enabled());
        assertTrue(lineage.view(fixtures.digits(LineageFixtures.settings(true)), "opt",
                LineageService.Options.DEFAULT).enabled());
    }

    @Test
    void unknownCampaignsAndOutOfRangeLimitsAreRefused() {
        assertThrows(UnknownCampaign.class, () -> lineage.view(Long.MAX_VALUE, "opt", LineageService.Options.DEFAULT));
        assertEquals(DomainException.Kind.INVALID, assertThrows(InvalidLineageRequest.class,
                () -> new LineageService.Options(-1, 10, 10, 20)).kind());
        assertEquals(DomainException.Kind.INVALID, assertThrows(InvalidLineageRequest.class,
                () -> new LineageService.Options(20, 201, 10, 20)).kind());
    }
}
