package dev.empiric.lineage;

import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.Label;
import dev.empiric.trial.NoiseEstimate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a proposer is shown before it proposes a trial: the task, the incumbent, and the measured
 * lineage (leaderboard, chain to the best, the best's children, recent outcomes, its own failures,
 * label counts). Internal specialists and external agents get this same record, so a result can
 * never depend on which kind of agent read the store. Infrastructure failures and unfinished trials
 * appear nowhere: they say nothing about an edit. When {@code enabled} is false (an ablation), only
 * the task and the best's number and score are filled; every lineage part is empty.
 *
 * @param asOfTrial the highest trial number the view reflects, recorded with proposals for audit
 */
public record LineageView(long campaignId, String campaignName, String specialist, boolean enabled,
        Instant generatedAt, Integer asOfTrial, Task task, Standing standing, List<LineageEntry> leaderboard,
        List<LineageEntry> chain, List<LineageEntry> bestChildren, int bestChildrenTotal, List<LineageEntry> recent,
        List<LineageEntry> ownFailures, Map<Label, Long> labelCounts) {

    /**
     * The rules of the game, from the environment and the campaign's overrides: what to optimise,
     * what may be edited, the budgets that end a run, and the knobs of the specialist's own surface.
     *
     * @param budgets null for an imported run, where nothing runs
     * @param surface the specialist's surface, or null when the specialist owns none
     * @param surfaces every surface of the environment, so a specialist knows how the work is split
     */
    public record Task(String environment, String title, String description, String metric,
            EnvironmentSpec.Goal goal, List<String> editable, Budgets budgets, List<EnvironmentSpec.Gate> gates,
            int seeds, String surface, List<EnvironmentSpec.Knob> knobs, List<String> surfaces) {}

    /**
     * The limits that apply to each seed's run, as enforced from outside the containers.
     *
     * @param artifactMaxBytes size cap above which a trial is SIZE_BLOCKED; null when uncapped
     */
    public record Budgets(int recipeSeconds, int scoringSeconds, int memoryMb, Long artifactMaxBytes,
            boolean artifactIncludesCode) {}

    /**
     * The incumbent and the bar to clear. With the view off only {@code bestNumber} and
     * {@code bestScore} are set.
     *
     * @param noiseFloor the current noise estimate (how much the best's score moves with the seed)
     * @param noise where that estimate came from: the incumbents and seed sets it pools
     * @param keepThreshold max(min_delta, z x noise): the bar without confirmation; with it, the scale
     *                      of the seed's effect that a confirmation must see through (KeepRule)
     * @param minDelta gains up to this are DISCARD without confirmation
     * @param confirmSeedSets the most fresh seed sets a gain is confirmed on (0: no confirmation, the
     *                        threshold alone decides)
     * @param alpha the confirmation test's level
     */
    public record Standing(Integer bestNumber, Double bestScore, String bestSpecialist, String bestHypothesis,
            Double baselineScore, Double noiseFloor, NoiseEstimate noise, Double keepThreshold, Double minDelta,
            Integer confirmSeedSets, Double alpha) {

        static Standing viewOff(Integer bestNumber, Double bestScore) {
            return new Standing(bestNumber, bestScore, null, null, null, null, null, null, null, null, null);
        }
    }
}
