package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import dev.empiric.campaign.Budgets;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.trial.EvaluationJob;
import dev.empiric.trial.Label;
import dev.empiric.trial.Measurement;
import dev.empiric.trial.TrialLogs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The containers of one attempt. A {@link Bench} (one keeper container and two size-capped tmpfs
 * volumes, opened once per attempt) runs the preflight as an exec and carries each seed's output
 * from the recipe container to the scoring container; a tmpfs volume loses its content when nothing
 * mounts it, which is why the keeper holds them. Each seed costs exactly its two containers, the
 * recipe's and the scorer's, as a bare pair of {@code docker run}s would. The scorer alone is given
 * a fresh nonce, and only a result file stamped with it counts.
 */
@ApplicationScoped
class SeedRun {

    private static final String RECIPE = "/work/recipe";
    private static final String OUT = "/work/out";
    private static final String RESULT_DIR = "/result";
    private static final String RESULT_FILE = RESULT_DIR + "/result.json";
    /** The keeper's limits when the environment has no preflight: it only sleeps and clears volumes. */
    private static final Sandbox.Limits IDLE = new Sandbox.Limits(32, 0.25, 16);
    /** Everything the recipe and the scorer wrote is theirs (uid 65534); make it removable, then remove it. */
    private static final List<String> CLEAR = List.of("sh", "-c",
            "chmod -R u+rwx " + OUT + " " + RESULT_DIR + " && find " + OUT + " " + RESULT_DIR + " -mindepth 1 -delete");
    private static final Duration CLEAR_BUDGET = Duration.ofSeconds(30);
    /** What a keeper outlives its attempt's budgets by, before it ends itself. */
    private static final Duration KEEPER_MARGIN = Duration.ofMinutes(5);
    /** How long a recipe's death by a signal may precede the keeper's, when the engine stops them all. */
    private static final Duration ENGINE_STOP_GRACE = Duration.ofSeconds(1);

    /** The metrics of one seed's pair of runs, or the measurement that ended the trial. */
    record Outcome(Map<String, Double> metrics, Measurement failure) {}

    /** One attempt's keeper and volumes; closing it removes them. */
    final class Bench implements AutoCloseable {

        private final String keeper;
        private final String output;
        private final String result;
        private boolean used;

        private Bench(String keeper, String output, String result) {
            this.keeper = keeper;
            this.output = output;
            this.result = result;
        }

        @Override
        public void close() {
            sandbox.remove(keeper);
            sandbox.removeVolume(output);
            sandbox.removeVolume(result);
        }
    }

    private final Sandbox sandbox;
    private final TrialLogs logs;
    private final int logTailBytes;
    private final SecureRandom random = new SecureRandom();

    SeedRun(Sandbox sandbox, TrialLogs logs, EmpiricConfig config) {
        this.sandbox = sandbox;
        this.logs = logs;
        this.logTailBytes = config.evaluator().logTailBytes();
    }

    /**
     * Opens an attempt's bench for {@code seedRuns} seed runs of the tree at {@code tree}: the keeper
     * lives no longer than the budgets of those runs allow, plus a margin.
     */
    Bench open(EvaluationJob job, Path tree, int seedRuns) {
        Budgets budgets = job.budgets();
        Map<String, String> labels = sandbox.labels(job.campaignId(), job.number());
        String prefix = "empiric-" + sandbox.instanceId() + "-c" + job.campaignId() + "-t" + job.number() + "-a"
                + job.attempt();
        Duration lifetime = KEEPER_MARGIN.plusSeconds((long) seedRuns
                * (budgets.recipe().seconds() + budgets.scoring().seconds() + CLEAR_BUDGET.toSeconds())
                + (budgets.preflight() == null ? 0 : budgets.preflight().seconds()));
        String output = sandbox.createTmpfsVolume(prefix + "-out", budgets.recipe().outputMb(), labels);
        String result = null;
        try {
            result = sandbox.createTmpfsVolume(prefix + "-result", 1, labels);
            String keeper = sandbox.startKeeper(job.environment().recipeImage(), tree.toString(), RECIPE,
                    List.of(new Sandbox.Volume(output, OUT, false), new Sandbox.Volume(result, RESULT_DIR, false)),
                    budgets.preflight() == null ? IDLE : limits(budgets.preflight()), lifetime, labels);
            return new Bench(keeper, output, result);
        } catch (RuntimeException e) {
            sandbox.removeVolume(output);
            if (result != null) {
                sandbox.removeVolume(result);
            }
            throw e;
        }
    }

    /** Runs the environment's preflight check on the tree, as an exec in the keeper; empty when it passed. */
    Optional<Measurement> preflight(EvaluationJob job, Bench bench) {
        EnvironmentSpec.Run preflight = job.environment().spec().preflight();
        Budgets.Limits limits = job.budgets().preflight();
        if (preflight == null || limits == null) {
            return Optional.empty();
        }
        Sandbox.Result result = sandbox.exec(bench.keeper, preflight.command(), environment(0, limits.cpus()), RECIPE,
                Duration.ofSeconds(limits.seconds()), logTailBytes);
        log(job, "preflight", result);
        if (!result.timedOut() && result.exitCode() != 0) {
            requireEngine(bench, result);
        }
        if (result.timedOut() || result.exitCode() != 0) {
            return Optional.of(Measurement.failed(Label.PREFLIGHT_FAILED, "preflight "
                    + String.join(" ", preflight.command()) + (result.timedOut() ? " timed out" : " exited with "
                    + result.exitCode()) + ": " + lastLine(result.output())));
        }
        return Optional.empty();
    }

    Outcome run(EvaluationJob job, Bench bench, Path tree, int seed, long codeBytes) throws IOException {
        Budgets budgets = job.budgets();
        Map<String, String> labels = sandbox.labels(job.campaignId(), job.number());
        if (bench.used) {
            // A seed must not find the output of the seed before it.
            Sandbox.Result cleared = sandbox.exec(bench.keeper, CLEAR, List.of(), "/", CLEAR_BUDGET, logTailBytes);
            if (cleared.timedOut() || cleared.exitCode() != 0) {
                throw new IllegalStateException("could not clear the output volume between seeds: exit "
                        + cleared.exitCode() + ": " + lastLine(cleared.output()));
            }
        }
        bench.used = true;
        Sandbox.Result recipe = sandbox.run(new Sandbox.Spec("recipe", job.environment().recipeImage(),
                job.environment().spec().recipe().command(), environment(seed, budgets.recipe().cpus()),
                RECIPE, tree.toString(), RECIPE, List.of(new Sandbox.Volume(bench.output, OUT, false)),
                limits(budgets.recipe()), Duration.ofSeconds(budgets.recipe().seconds()), labels), logTailBytes);
        log(job, "recipe seed " + seed, recipe);
        if (!recipe.timedOut() && recipe.exitCode() != 0) {
            requireEngine(bench, recipe);
        }
        Optional<Measurement> recipeFailure = recipeFailure(recipe, seed, budgets);
        if (recipeFailure.isPresent()) {
            return new Outcome(null, recipeFailure.get());
        }
        String nonce = HexFormat.of().formatHex(random.generateSeed(16));
        List<String> env = new ArrayList<>(environment(seed, budgets.scoring().cpus()));
        env.add("EMPIRIC_NONCE=" + nonce);
        env.add("EMPIRIC_RESULT=" + RESULT_FILE);
        Sandbox.Result scoring = sandbox.run(new Sandbox.Spec("scorer", job.environment().scorerImage(),
                job.environment().spec().scoring().command(), env, "/", null, null,
                List.of(new Sandbox.Volume(bench.output, OUT, true), new Sandbox.Volume(bench.result, RESULT_DIR, false)),
                limits(budgets.scoring()), Duration.ofSeconds(budgets.scoring().seconds()), labels), logTailBytes);
        log(job, "scorer seed " + seed, scoring);
        if (!scoring.timedOut() && scoring.exitCode() != 0) {
            requireEngine(bench, scoring);
        }
        if (scoring.timedOut()) {
            return failed(Label.SCORING_TIMEOUT, "seed " + seed + ": scoring ran past its budget of "
                    + budgets.scoring().seconds() + " s");
        }
        if (scoring.exitCode() != 0) {
            return failed(Label.NO_SCORE, "seed " + seed + ": the scorer exited with " + scoring.exitCode() + ": "
                    + lastLine(scoring.output()));
        }
        Optional<byte[]> file = sandbox.readFile(bench.keeper, RESULT_FILE, ScorerResult.MAX_BYTES);
        if (file.isEmpty()) {
            return failed(Label.NO_SCORE, "seed " + seed + ": the scorer wrote no result file");
        }
        ScorerResult parsed = ScorerResult.parse(file.get(), nonce);
        if (parsed.problem().isPresent()) {
            return failed(Label.NO_SCORE, "seed " + seed + ": " + parsed.problem().get());
        }
        Map<String, Double> metrics = new LinkedHashMap<>(parsed.metrics());
        metrics.put("recipe_seconds", recipe.seconds());
        metrics.put("scoring_seconds", scoring.seconds());
        metrics.put(SeedStatistics.ARTIFACT_BYTES, (double) (sandbox.regularFileBytes(bench.keeper, OUT)
                + (budgets.artifactIncludesCode() ? codeBytes : 0)));
        return new Outcome(metrics, null);
    }

    /**
     * A run that failed while the keeper did not survive it was stopped by the engine (restarted,
     * stopped, out of resources), not by the recipe: that is the platform's failure and the attempt is
     * retried. An engine that stops signals every container at once, so a run that died by a signal
     * gets a moment for the keeper's death to show.
     */
    private void requireEngine(Bench bench, Sandbox.Result run) {
        boolean signalled = run.exitCode() > 128 && !run.oomKilled();
        if (signalled && sandbox.running(bench.keeper)) {
            try {
                Thread.sleep(ENGINE_STOP_GRACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!sandbox.running(bench.keeper)) {
            throw new EngineDisrupted("the Docker engine stopped the attempt's containers (the recipe or scorer"
                    + " exited with " + run.exitCode() + " and the keeper ended with it)");
        }
    }

    private static Optional<Measurement> recipeFailure(Sandbox.Result run, int seed, Budgets budgets) {
        if (run.timedOut()) {
            return Optional.of(Measurement.failed(Label.RECIPE_TIMEOUT, "seed " + seed
                    + ": the recipe ran past its budget of " + budgets.recipe().seconds() + " s and was killed"));
        }
        if (run.outOfMemory()) {
            return Optional.of(Measurement.failed(Label.OOM, "seed " + seed + ": the recipe exceeded its memory limit of "
                    + budgets.recipe().memoryMb() + " MB"));
        }
        if (run.exitCode() != 0) {
            return Optional.of(Measurement.failed(Label.CRASH, "seed " + seed + ": the recipe exited with "
                    + run.exitCode() + ": " + lastLine(run.output())));
        }
        return Optional.empty();
    }

    /** What every container of a trial is told: its seed, where to write, and to use only its CPUs. */
    static List<String> environment(int seed, double cpus) {
        String threads = Integer.toString((int) Math.max(1, Math.ceil(cpus)));
        return List.of("EMPIRIC_SEED=" + seed, "EMPIRIC_OUT=" + OUT, "HOME=/tmp", "PYTHONDONTWRITEBYTECODE=1",
                "PYTHONPYCACHEPREFIX=/tmp/pycache", "PYTHONUNBUFFERED=1", "OMP_NUM_THREADS=" + threads,
                "MKL_NUM_THREADS=" + threads);
    }

    static Sandbox.Limits limits(Budgets.Limits limits) {
        return new Sandbox.Limits(limits.memoryMb(), limits.cpus(), limits.pids());
    }

    void log(EvaluationJob job, String what, Sandbox.Result result) {
        logs.append(job.campaignId(), job.number(), "attempt " + job.attempt() + " " + what + ": exit "
                + result.exitCode() + (result.timedOut() ? " (killed at deadline)" : "")
                + (result.oomKilled() ? " (out of memory)" : "") + String.format(" in %.2f s", result.seconds()),
                result.output());
    }

    private static Outcome failed(Label label, String note) {
        return new Outcome(null, Measurement.failed(label, note));
    }

    static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        String last = lines[lines.length - 1];
        return last.length() <= 300 ? last : last.substring(0, 300) + "...";
    }
}
