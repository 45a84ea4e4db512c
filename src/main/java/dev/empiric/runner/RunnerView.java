package dev.empiric.runner;

import dev.empiric.campaign.Campaign;
import dev.empiric.trial.Trials;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A runner as the API shows it: its budget, its state and why it ended, each specialist's yield, the
 * proposals that failed without becoming trials, and the tokens the campaign's LLM specialists spent.
 */
public record RunnerView(long id, long campaignId, RunnerState state, RunnerEnd endReason, String endedBecause,
        int maxTrials, Instant deadline, Integer maxTrialsWithoutKeep, int concurrency, List<String> specialists,
        Instant startedAt, Instant endedAt, int trials, int inFlight, int finished, int keeps, int trialsSinceKeep,
        int skipped, int failedProposals, long tokensUsed, Integer bestNumber, Double bestScore, Double baselineScore, List<SpecialistYield> yields) {

    /**
     * One specialist in this run: trials proposed, finished and kept, turns it had nothing new, and
     * proposals that failed without becoming trials (with the latest reason).
     */
    public record SpecialistYield(String specialist, int trials, int finished, int keeps, int skipped,
            int failed, String lastFailure, Double keepRate) {}

    public static RunnerView of(CampaignRun run, Campaign campaign, Trials trials) {
        RunnerProgress progress = RunnerProgress.of(run, trials);
        Map<String, Integer> skips = run.skipCounts();
        Map<String, CampaignRun.Failures> failures = run.failureCounts();
        List<SpecialistYield> yields = progress.bySpecialist().entrySet().stream().map(entry -> {
            RunnerProgress.Counts counts = entry.getValue();
            return new SpecialistYield(entry.getKey(), counts.proposed(), counts.finished(), counts.keeps(),
                    skips.getOrDefault(entry.getKey(), 0),
                    failures.containsKey(entry.getKey()) ? failures.get(entry.getKey()).count() : 0,
                    failures.containsKey(entry.getKey()) ? failures.get(entry.getKey()).lastReason() : null,
                    counts.finished() == 0 ? null : (double) counts.keeps() / counts.finished());
        }).toList();
        return new RunnerView(run.id, run.campaignId, run.state, run.endReason,
                run.endReason == null ? null : run.endReason.meaning(), run.maxTrials, run.deadline,
                run.maxTrialsWithoutKeep, run.concurrency, run.specialistNames(), run.startedAt, run.endedAt,
                progress.proposed(), progress.inFlight(), progress.finished(), progress.keeps(), progress.sinceKeep(),
                skips.values().stream().mapToInt(Integer::intValue).sum(),
                failures.values().stream().mapToInt(CampaignRun.Failures::count).sum(), LlmCall.spent(run.campaignId),
                campaign.bestNumber, campaign.bestScore,
                campaign.baselineScore, yields);
    }
}
