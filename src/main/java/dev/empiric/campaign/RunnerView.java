package dev.empiric.campaign;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A runner as the API shows it: its budget, its state and why it ended, and each specialist's yield. */
public record RunnerView(long id, long campaignId, RunnerState state, RunnerEnd endReason, String endedBecause,
        int maxTrials, Instant deadline, Integer maxTrialsWithoutKeep, int concurrency, List<String> specialists,
        Instant startedAt, Instant endedAt, int trials, int inFlight, int finished, int keeps, int trialsSinceKeep,
        int skipped, Integer bestNumber, Double bestScore, Double baselineScore, List<SpecialistYield> yields) {

    /** One specialist in this run: trials proposed, finished and kept, and turns it had nothing new. */
    public record SpecialistYield(String specialist, int trials, int finished, int keeps, int skipped,
            Double keepRate) {}

    public static RunnerView of(CampaignRun run, Campaign campaign) {
        RunnerProgress progress = RunnerProgress.of(run);
        Map<String, Integer> skips = run.skipCounts();
        List<SpecialistYield> yields = progress.bySpecialist().entrySet().stream().map(entry -> {
            RunnerProgress.Counts counts = entry.getValue();
            return new SpecialistYield(entry.getKey(), counts.proposed(), counts.finished(), counts.keeps(),
                    skips.getOrDefault(entry.getKey(), 0),
                    counts.finished() == 0 ? null : (double) counts.keeps() / counts.finished());
        }).toList();
        return new RunnerView(run.id, run.campaignId, run.state, run.endReason,
                run.endReason == null ? null : run.endReason.meaning(), run.maxTrials, run.deadline,
                run.maxTrialsWithoutKeep, run.concurrency, run.specialistNames(), run.startedAt, run.endedAt,
                progress.proposed(), progress.inFlight(), progress.finished(), progress.keeps(), progress.sinceKeep(),
                skips.values().stream().mapToInt(Integer::intValue).sum(), campaign.bestNumber, campaign.bestScore,
                campaign.baselineScore, yields);
    }
}
