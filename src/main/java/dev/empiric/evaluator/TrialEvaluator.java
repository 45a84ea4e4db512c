package dev.empiric.evaluator;

import dev.empiric.FileTrees;
import dev.empiric.campaign.Budgets;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.EvaluationJob;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import dev.empiric.trial.Measurement;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Evaluates one attempt of one trial: check out its commit, run the cheap checks (the code's size,
 * the preflight command), then every seed ({@link SeedRun}), average the seeds
 * ({@link SeedStatistics}) and apply the environment's legality rules ({@link Legality}). A baseline
 * is also measured on shifted seed sets, whose spread is the campaign's noise floor. Exceptions
 * leaving here are the platform's failures (Docker, disk) and are retried; everything the recipe
 * can cause ends as a labelled {@link Measurement}.
 */
@ApplicationScoped
public class TrialEvaluator {

    private static final int BASELINE_REPEAT_SEED_STRIDE = 1000;

    private final SeedRun seeds;
    private final EnvironmentImages images;
    private final GitTrialStore store;
    private final Path workRoot;

    TrialEvaluator(SeedRun seeds, EnvironmentImages images, GitTrialStore store, InstanceIdentity instance) {
        this.seeds = seeds;
        this.images = images;
        this.store = store;
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
            int repeats = job.isBaseline() ? budgets.baselineRepeats() : 1;
            try (SeedRun.Bench bench = seeds.open(job, tree, repeats * job.environment().spec().seeds().size())) {
                Optional<Measurement> preflight = seeds.preflight(job, bench);
                if (preflight.isPresent()) {
                    return preflight.get();
                }
                return measure(job, bench, tree, codeBytes, repeats);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            FileTrees.delete(tree);
        }
    }

    private Measurement measure(EvaluationJob job, SeedRun.Bench bench, Path tree, long codeBytes, int repeats)
            throws IOException {
        EnvironmentSpec spec = job.environment().spec();
        List<Map<String, Double>> runs = List.of();
        List<Double> repeatScores = new ArrayList<>();
        // Repeat 0 (the environment's own seeds) runs last: the repeats before it warm the image's
        // files into the page cache, which a wallclock metric would otherwise charge to the baseline.
        for (int repeat = repeats - 1; repeat >= 0; repeat--) {
            List<Map<String, Double>> repeatRuns = new ArrayList<>();
            for (int seed : spec.seeds()) {
                SeedRun.Outcome outcome = seeds.run(job, bench, tree, seed + repeat * BASELINE_REPEAT_SEED_STRIDE,
                        codeBytes);
                if (outcome.failure() != null) {
                    return outcome.failure();
                }
                repeatRuns.add(outcome.metrics());
            }
            if (repeat == 0) {
                runs = repeatRuns;
            }
            repeatScores.add(SeedStatistics.mean(repeatRuns, spec.metric().name()));
        }
        // The incumbent is scored on the environment's seeds, exactly as every trial is; the repeats
        // on shifted seeds only measure how much the score moves when nothing but the seed changes.
        Map<String, Double> metrics = SeedStatistics.aggregate(runs);
        List<String> notes = new ArrayList<>();
        Double noise = null;
        if (repeats > 1) {
            noise = SeedStatistics.standardDeviation(repeatScores);
            metrics.put("noise_floor", noise);
            notes.add("baseline measured on " + repeats + " seed sets: " + repeatScores.stream().map(Legality::format)
                    .toList() + "; noise floor (standard deviation) " + Legality.format(noise)
                    + "; scored on the environment's seeds like every trial");
        }
        String metric = spec.metric().name();
        Double artifactBytes = metrics.get(SeedStatistics.ARTIFACT_BYTES);
        Measurement measured = new Measurement(new Measurement.Scored(), metrics.get(metric),
                metrics.get(metric + "_std"), metrics, metrics.get("recipe_seconds"), metrics.get("scoring_seconds"),
                artifactBytes == null ? null : artifactBytes.longValue(), notes, noise);
        return Legality.check(spec, job.budgets(), measured);
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
