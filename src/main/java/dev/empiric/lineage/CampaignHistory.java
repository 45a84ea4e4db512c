package dev.empiric.lineage;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.TrialState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The read model the offline specialists learn from: every trial of one campaign in number order,
 * with the incumbent, the metric's name and direction, and the keep threshold (the margin by which the
 * incumbent must be beaten on the environment's seeds; null when not known). Built from the store,
 * never from memory, so it is the same after a restart; immutable, so a specialist cannot change what
 * the next one sees.
 */
public final class CampaignHistory {

    private final long campaignId;
    private final String metric;
    private final Goal goal;
    private final int bestNumber;
    private final List<TrialRecord> trials;
    private final Map<Integer, TrialRecord> byNumber;
    private final Double keepThreshold;

    public CampaignHistory(long campaignId, String metric, Goal goal, int bestNumber, List<TrialRecord> trials,
            Double keepThreshold) {
        this.campaignId = campaignId;
        this.metric = metric;
        this.goal = goal;
        this.bestNumber = bestNumber;
        this.trials = List.copyOf(trials);
        this.byNumber = this.trials.stream().collect(Collectors.toUnmodifiableMap(TrialRecord::number,
                Function.identity()));
        this.keepThreshold = keepThreshold;
    }

    /** The margin by which the incumbent must be beaten, or null when not known (or hidden from the proposer). */
    public Double keepThreshold() {
        return keepThreshold;
    }

    public long campaignId() {
        return campaignId;
    }

    public String metric() {
        return metric;
    }

    public Goal goal() {
        return goal;
    }

    public int bestNumber() {
        return bestNumber;
    }

    public List<TrialRecord> trials() {
        return trials;
    }

    public TrialRecord best() {
        return trial(bestNumber).orElseThrow(() -> new IllegalStateException(
                "campaign " + campaignId + " has no trial " + bestNumber));
    }

    public Optional<TrialRecord> trial(Integer number) {
        return number == null ? Optional.empty() : Optional.ofNullable(byNumber.get(number));
    }

    public Optional<TrialRecord> parentOf(TrialRecord trial) {
        return trial(trial.parent());
    }

    /** Content hashes of every tree measured or being measured: a proposal with one of these is a repeat. */
    public Set<String> measuredTrees() {
        return trials.stream().filter(TrialRecord::occupiesTree).map(TrialRecord::treeHash).collect(Collectors.toSet());
    }

    /** Trial numbers from the baseline to the best, following parents. */
    public List<Integer> bestChain() {
        return Ancestry.path(bestNumber, number -> trial(number).map(TrialRecord::parent).orElse(null));
    }

    /** Positive when {@code candidate} is better than {@code incumbent} under the campaign's goal. */
    public double improvement(double candidate, double incumbent) {
        return goal.improvement(candidate, incumbent);
    }

    /** How much a scored trial beat its scored parent, if both were scored. */
    public Optional<Double> improvementOverParent(TrialRecord trial) {
        return parentOf(trial).filter(TrialRecord::isScored).filter(parent -> trial.isScored())
                .map(parent -> improvement(trial.score(), parent.score()));
    }

    /**
     * The history as a specialist sees it when the campaign's lineage view is off (the ablation):
     * which trees were tried, so that nothing is measured twice, but no outcome except the best's,
     * and no keep threshold (the reduced lineage view shows none either).
     */
    public CampaignHistory withoutOutcomes() {
        List<TrialRecord> blind = trials.stream().map(trial -> trial.number() == bestNumber ? trial
                : new TrialRecord(trial.number(), trial.parent(), trial.specialist(),
                        trial.occupiesTree() ? TrialState.QUEUED : TrialState.CANCELLED, null, null, trial.treeHash(),
                        trial.knobs())).toList();
        return new CampaignHistory(campaignId, metric, goal, bestNumber, blind, null);
    }

    /** A short stamp that changes whenever a trial is added, finishes or the best moves. */
    public String stamp() {
        long settled = trials.stream().filter(t -> t.state() == TrialState.FINISHED || t.state() == TrialState.CANCELLED)
                .count();
        return trials.size() + "/" + settled + "/" + bestNumber;
    }
}
