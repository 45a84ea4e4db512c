package dev.empiric.evaluator;

import dev.empiric.FileTrees;
import dev.empiric.campaign.Budgets;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.ConfirmationJob;
import dev.empiric.trial.ConfirmationRound;
import dev.empiric.trial.EvaluationJob;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.Measurement;
import dev.empiric.trial.SeedSetScore;
import dev.empiric.trial.SeedSets;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Evaluates one attempt of one trial: check out its commit, check the code's size, then run every
 * seed ({@link SeedRun}; the first one runs the environment's preflight command before its recipe, in
 * its keeper), average the seeds
 * ({@link SeedStatistics}) and apply the environment's legality rules ({@link Legality}). A baseline
 * is also measured on shifted seed sets, whose spread is the campaign's first noise estimate. It also
 * runs confirmation rounds: a trial and the incumbent side by side on fresh seeds. Exceptions
 * leaving here are the platform's failures (Docker, disk) and are retried; everything the recipe
 * can cause ends as a labelled {@link Measurement}.
 */
@ApplicationScoped
public class TrialEvaluator {

    private final SeedRun seeds;
    private final EnvironmentImages images;
    private final GitTrialStore store;
    private final Path workRoot;

    TrialEvaluator(SeedRun seeds, EnvironmentImages images, GitTrialStore store, InstanceIdentity instance) {
        this.seeds = seeds;
        this.images = images;
        this.store = store;
        // Under this server's own folder: a restart clears it (EvaluationQueue.start), so the check-outs of
        // attempts a crash interrupted do not pile up, and servers sharing a data directory keep apart.
        this.workRoot = instance.workDir();
    }

    public Measurement evaluate(EvaluationJob job) {
        images.ensure(job.environment());
        Path tree = workRoot.resolve("c" + job.campaignId() + "-t" + job.number() + "-a" + job.attempt());
        try {
            FileTrees.delete(tree);
            Files.createDirectories(tree);
            store.checkout(job.campaignId(), job.commitId(), tree);
            long codeBytes = codeBytes(tree);
            Budgets budgets = job.budgets();
            if (budgets.artifactIncludesCode() && budgets.artifactMaxBytes() != null
                    && codeBytes > budgets.artifactMaxBytes()) {
                return Measurement.failed(Label.SIZE_BLOCKED, "preflight: the recipe's code alone is " + codeBytes
                        + " bytes, over the cap of " + budgets.artifactMaxBytes());
            }
            return measure(job, tree, codeBytes, preflight(job));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(tree);
        }
    }

    /** The environment's preflight under the attempt's budget, or null when it has none. */
    private static SeedRun.Preflight preflight(EvaluationJob job) {
        EnvironmentSpec.Run preflight = job.environment().spec().preflight();
        Budgets.Limits limits = job.budgets().preflight();
        return preflight == null || limits == null ? null : new SeedRun.Preflight(preflight.command(), limits);
    }

    /**
     * Runs one confirmation round: the trial's recipe and the incumbent's, each on the round's seed set
     * (the same seeds for both), checked by the same legality rules as a trial. The order alternates
     * (the candidate first in odd rounds), so that neither recipe always runs on the warmer machine,
     * which matters for a wallclock metric. Each side's failure is recorded, not thrown: a candidate
     * that crashes on fresh seeds is not confirmed, an incumbent that does leaves the round unpaired.
     */
    public ConfirmationRound confirm(ConfirmationJob round) {
        EvaluationJob job = round.job();
        images.ensure(job.environment());
        long started = System.nanoTime();
        Path trees = workRoot.resolve("c" + job.campaignId() + "-t" + job.number() + "-a" + job.attempt() + "-r"
                + round.round());
        try {
            FileTrees.delete(trees);
            Path candidateTree = checkout(job, job.commitId(), trees.resolve("candidate"));
            Path incumbentTree = checkout(job, round.incumbentCommit(), trees.resolve("incumbent"));
            String name = "confirmation round " + round.round() + ", ";
            SeedRun.Role candidateRole = new SeedRun.Role("r" + round.round() + "c", name + "candidate: ");
            SeedRun.Role incumbentRole = new SeedRun.Role("r" + round.round() + "i", name + "incumbent #"
                    + round.incumbent() + ": ");
            ConfirmationRound.Side candidate;
            ConfirmationRound.Side incumbent;
            if (round.round() % 2 == 1) {
                candidate = side(job, candidateTree, round.seeds(), candidateRole);
                incumbent = side(job, incumbentTree, round.seeds(), incumbentRole);
            } else {
                incumbent = side(job, incumbentTree, round.seeds(), incumbentRole);
                candidate = side(job, candidateTree, round.seeds(), candidateRole);
            }
            return new ConfirmationRound(round.round(), round.seeds(), candidate, incumbent,
                    (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(trees);
        }
    }

    private Path checkout(EvaluationJob job, String commit, Path tree) throws IOException {
        Files.createDirectories(tree);
        store.checkout(job.campaignId(), commit, tree);
        return tree;
    }

    private ConfirmationRound.Side side(EvaluationJob job, Path tree, List<Integer> seeds, SeedRun.Role role)
            throws IOException {
        EnvironmentSpec spec = job.environment().spec();
        SeedSetRuns set = runSeedSet(job, tree, seeds, codeBytes(tree), role, null);
        Measurement measured = set.failure() != null ? set.failure()
                : Legality.check(spec, job.budgets(), scored(spec, set.runs(), List.of(), List.of()));
        if (measured.verdict() instanceof Measurement.Failed failed) {
            return ConfirmationRound.Side.failed(failed.label(), measured.notes().getLast());
        }
        String metric = spec.metric().name();
        return ConfirmationRound.Side.scored(measured.score(), set.runs().stream().map(run -> run.get(metric)).toList());
    }

    /** The per-seed metrics of one seed set, or the measurement that ended it. */
    private record SeedSetRuns(List<Map<String, Double>> runs, Measurement failure) {}

    /** @param preflight null, or the check the set's first seed run makes before its recipe */
    private SeedSetRuns runSeedSet(EvaluationJob job, Path tree, List<Integer> seedSet, long codeBytes,
            SeedRun.Role role, SeedRun.Preflight preflight) throws IOException {
        List<Map<String, Double>> runs = new ArrayList<>();
        for (int seed : seedSet) {
            SeedRun.Outcome outcome = seeds.run(job, tree, seed, codeBytes, role, preflight);
            preflight = null;
            if (outcome.failure() != null) {
                return new SeedSetRuns(null, outcome.failure());
            }
            runs.add(outcome.metrics());
        }
        return new SeedSetRuns(runs, null);
    }

    /** @param preflight null, or the check made once, before the attempt's first recipe */
    private Measurement measure(EvaluationJob job, Path tree, long codeBytes, SeedRun.Preflight preflight)
            throws IOException {
        EnvironmentSpec spec = job.environment().spec();
        String metric = spec.metric().name();
        int repeats = job.isBaseline() ? job.budgets().baselineRepeats() : 1;
        List<Map<String, Double>> runs = List.of();
        List<SeedSetScore> seedSets = new ArrayList<>();
        // Repeat 0 (the environment's own seeds) runs last: the repeats before it warm the image's
        // files into the page cache, which a wallclock metric would otherwise charge to the baseline.
        for (int repeat = repeats - 1; repeat >= 0; repeat--) {
            List<Integer> seedSet = SeedSets.baselineRepeat(spec.seeds(), repeat);
            SeedSetRuns set = runSeedSet(job, tree, seedSet, codeBytes, SeedRun.Role.TRIAL, preflight);
            preflight = null;
            if (set.failure() != null) {
                return set.failure();
            }
            if (repeat == 0) {
                runs = set.runs();
            }
            seedSets.addFirst(new SeedSetScore(seedSet, SeedStatistics.mean(set.runs(), metric)));
        }
        // The incumbent is scored on the environment's seeds, exactly as every trial is; the repeats
        // on shifted seeds only measure how much the score moves when nothing but the seed changes.
        if (repeats == 1) {
            return Legality.check(spec, job.budgets(), scored(spec, runs, List.of(), seedSets));
        }
        List<Double> scores = seedSets.stream().map(SeedSetScore::score).toList();
        double noise = SeedStatistics.standardDeviation(scores);
        Measurement measured = scored(spec, runs, List.of("baseline measured on " + repeats + " seed sets: "
                + scores.stream().map(Legality::format).toList() + "; noise floor (standard deviation) "
                + Legality.format(noise) + "; scored on the environment's seeds like every trial"), seedSets);
        Map<String, Double> metrics = new LinkedHashMap<>(measured.metrics());
        metrics.put("noise_floor", noise);
        return Legality.check(spec, job.budgets(), measured.withMetrics(metrics));
    }

    /** The mean over the seeds of every metric, as a scored measurement that the legality rules then check. */
    private static Measurement scored(EnvironmentSpec spec, List<Map<String, Double>> runs, List<String> notes,
            List<SeedSetScore> seedSets) {
        Map<String, Double> metrics = SeedStatistics.aggregate(runs);
        String metric = spec.metric().name();
        Double artifactBytes = metrics.get(SeedStatistics.ARTIFACT_BYTES);
        return new Measurement(new Measurement.Scored(), metrics.get(metric), metrics.get(metric + "_std"), metrics,
                metrics.get("recipe_seconds"), metrics.get("scoring_seconds"),
                artifactBytes == null ? null : artifactBytes.longValue(), notes, seedSets);
    }

    private static long codeBytes(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }
}
