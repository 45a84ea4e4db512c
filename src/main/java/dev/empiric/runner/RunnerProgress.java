package dev.empiric.runner;

import dev.empiric.trial.Label;
import dev.empiric.trial.TrialSkeleton;
import dev.empiric.trial.Trials;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's progress, counted from the trial table and nowhere else: the trials of the campaign whose
 * specialist is one of the run's, submitted since it started. Counting from the store is what makes
 * resume after a restart exact.
 */
public record RunnerProgress(int proposed, int inFlight, int finished, int keeps, int sinceKeep,
        Map<String, Counts> bySpecialist) {

    /** One specialist's trials in this run. */
    public record Counts(int proposed, int finished, int keeps) {
        Counts plus(Counts other) {
            return new Counts(proposed + other.proposed, finished + other.finished, keeps + other.keeps);
        }
    }

    public static RunnerProgress of(CampaignRun run, Trials trials) {
        return of(run, trials.skeletonsSince(run.campaignId, run.specialistNames(), run.startedAt));
    }

    static RunnerProgress of(CampaignRun run, List<TrialSkeleton> rows) {
        int inFlight = 0;
        int finished = 0;
        int keeps = 0;
        int sinceKeep = 0;
        Map<String, Counts> bySpecialist = new TreeMap<>();
        run.specialistNames().forEach(name -> bySpecialist.put(name, new Counts(0, 0, 0)));
        for (TrialSkeleton row : rows) {
            boolean kept = row.label() == Label.KEEP;
            boolean done = row.settled();
            inFlight += done ? 0 : 1;
            finished += done ? 1 : 0;
            keeps += kept ? 1 : 0;
            sinceKeep = kept ? 0 : sinceKeep + (done ? 1 : 0);
            bySpecialist.merge(row.specialist(), new Counts(1, done ? 1 : 0, kept ? 1 : 0), Counts::plus);
        }
        return new RunnerProgress(rows.size(), inFlight, finished, keeps, sinceKeep, bySpecialist);
    }
}
