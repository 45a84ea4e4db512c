package dev.empiric.evaluator;

import dev.empiric.EmpiricConfig;
import dev.empiric.campaign.Budgets;
import dev.empiric.trial.EvaluationJob;
import dev.empiric.trial.Label;
import dev.empiric.trial.Measurement;
import dev.empiric.trial.TrialLogs;
import jakarta.annotation.PreDestroy;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One seed of one trial: the recipe container, then the scoring container on its output. The two
 * share a size-capped tmpfs volume that an idle keeper container holds between them (a tmpfs volume
 * loses its content when nothing mounts it); the server reads the result through the keeper. The
 * scorer alone is given a fresh nonce, and only a result file stamped with it counts.
 *
 * <p>Both runs' containers are created and started before the recipe runs (the recipe's while the
 * keeper starts, the scorer's during the preflight), each with its command held behind a gate ({@link
 * RunGate}) that opens only once the step before it passed (the preflight for the recipe, the recipe
 * for the scorer); so no start is on the way but the keeper's, none shares the cores with a run that
 * had a preflight, and each run's seconds and deadline count from its opening. Everything is removed
 * after the result was read, off the way too.
 */
@ApplicationScoped
class SeedRun {

    private static final String RECIPE = "/work/recipe";
    private static final String OUT = "/work/out";
    private static final String RESULT_DIR = "/result";
    private static final String RESULT_NAME = "result.json";
    private static final String RESULT_FILE = RESULT_DIR + "/" + RESULT_NAME;
    /**
     * The keeper holds both volumes under one folder (read-only), so that one archive of it returns
     * the result and the output's listing.
     */
    private static final String KEPT = "/kept";
    private static final String KEPT_OUT = "out";
    private static final String KEPT_RESULT = "result";

    /** The metrics of one seed's pair of runs, or the measurement that ended the trial. */
    record Outcome(Map<String, Double> metrics, Measurement failure) {}

    /** Time a keeper outlives the runs it serves: container start, copying results out, removal. */
    private static final Duration KEEPER_MARGIN = Duration.ofMinutes(2);
    /** A keeper only sleeps. */
    private static final Sandbox.Limits KEEPER_LIMITS = new Sandbox.Limits(32, 0.1, 8);
    /** How long a keeper must outlive a run killed by a signal for the signal to be the run's own business. */
    private static final Duration ENGINE_STOP_GRACE = Duration.ofSeconds(5);

    /**
     * Which recipe of the trial's attempt a run is for: the trial's own, or one side of a confirmation
     * round. It names the containers apart and says in the trial's log whose output a section is.
     *
     * @param tag part of container and volume names (lower-case letters and digits)
     * @param description prefix of the log sections, empty for the trial's own runs
     */
    record Role(String tag, String description) {

        static final Role TRIAL = new Role("", "");
    }

    private final Sandbox sandbox;
    private final TrialLogs logs;
    private final int logTailBytes;
    private final SecureRandom random = new SecureRandom();
    /** Where the runs' containers are created and started while the keeper starts: the engine's calls block. */
    private final ExecutorService starts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("empiric-start-", 0).factory());

    SeedRun(Sandbox sandbox, TrialLogs logs, EmpiricConfig config) {
        this.sandbox = sandbox;
        this.logs = logs;
        this.logTailBytes = config.evaluator().logTailBytes();
    }

    /**
     * The environment's cheap check of the code, for the first seed run of an attempt: it runs as an
     * exec in that run's keeper (which then mounts the tree and has these limits), before the recipe.
     */
    record Preflight(List<String> command, Budgets.Limits limits) {}

    /** @param preflight null, or the check to pass before this seed's recipe may run */
    Outcome run(EvaluationJob job, Path tree, int seed, long codeBytes, Role role, Preflight preflight)
            throws IOException {
        Budgets budgets = job.budgets();
        Map<String, String> labels = sandbox.labels(job.campaignId(), job.number());
        String prefix = "empiric-" + sandbox.instanceId() + "-c" + job.campaignId() + "-t" + job.number() + "-a"
                + job.attempt() + (role.tag().isEmpty() ? "" : "-" + role.tag()) + "-s" + seed;
        String output = sandbox.createTmpfsVolume(prefix + "-out", budgets.recipe().outputMb(), labels);
        String result = sandbox.createTmpfsVolume(prefix + "-result", 1, labels);
        // Removed once the result is read, off the evaluator's path: the outcome does not wait for them.
        List<String> containers = new CopyOnWriteArrayList<>();
        String nonce = HexFormat.of().formatHex(random.generateSeed(16));
        List<String> scorerEnv = new ArrayList<>(environment(seed, budgets.scoring().cpus()));
        scorerEnv.add("EMPIRIC_NONCE=" + nonce);
        scorerEnv.add("EMPIRIC_RESULT=" + RESULT_FILE);
        Future<Sandbox.Started> recipeStart = null;
        Future<Sandbox.Started> scorerStart = null;
        try {
            // Both runs' containers start behind their gates before the recipe runs, the recipe's beside the
            // keeper and the scorer's beside the preflight: on the way to the recipe only the keeper's start
            // and the preflight remain, and after a preflight no start shares the cores with a run.
            recipeStart = startBehindGate(new Sandbox.Spec("recipe",
                    job.environment().recipeImage(), job.environment().spec().recipe().command(),
                    environment(seed, budgets.recipe().cpus()), RECIPE, tree.toString(), RECIPE,
                    List.of(new Sandbox.Volume(output, OUT, false)), limits(budgets.recipe()),
                    Duration.ofSeconds(budgets.recipe().seconds()), labels), containers);
            // it sleeps no longer than this seed run may take, so a keeper whose server died ends by itself
            Duration lifetime = KEEPER_MARGIN.plusSeconds(budgets.recipe().seconds() + budgets.scoring().seconds());
            if (preflight != null) {
                lifetime = lifetime.plusSeconds(preflight.limits().seconds());
            }
            String keeper = sandbox.startKeeper(job.environment().recipeImage(),
                    preflight == null ? null : tree.toString(), RECIPE,
                    List.of(new Sandbox.Volume(output, KEPT + "/" + KEPT_OUT, true),
                            new Sandbox.Volume(result, KEPT + "/" + KEPT_RESULT, true)),
                    preflight == null ? KEEPER_LIMITS : limits(preflight.limits()), lifetime, labels);
            containers.add(keeper);
            // after the keeper's start, not beside it: two starts at once on two cores delay the keeper's
            scorerStart = startBehindGate(new Sandbox.Spec("scorer",
                    job.environment().scorerImage(), job.environment().spec().scoring().command(), scorerEnv, "/",
                    null, null, List.of(new Sandbox.Volume(output, OUT, true),
                            new Sandbox.Volume(result, RESULT_DIR, false)),
                    limits(budgets.scoring()), Duration.ofSeconds(budgets.scoring().seconds()), labels), containers);
            if (preflight != null) {
                Sandbox.Exec check = sandbox.startExec(keeper, preflight.command(),
                        preflightEnvironment(preflight.limits().cpus()), RECIPE,
                        Duration.ofSeconds(preflight.limits().seconds()), logTailBytes, labels);
                Optional<Measurement> failed = preflightFailure(job, keeper, preflight, check.await());
                if (failed.isPresent()) {
                    return new Outcome(null, failed.get());
                }
            }
            Sandbox.Running recipeRun = sandbox.open(started(recipeStart));
            Sandbox.Started scorerStarted = started(scorerStart);
            Sandbox.Result recipe = sandbox.finish(recipeRun, logTailBytes);
            log(job, role.description() + "recipe seed " + seed, recipe);
            requireEngine(keeper, recipe, "recipe");
            Optional<Measurement> recipeFailure = recipeFailure(recipe, seed, budgets);
            if (recipeFailure.isPresent()) {
                return new Outcome(null, recipeFailure.get());
            }
            Sandbox.Result scoring = sandbox.finish(sandbox.open(scorerStarted), logTailBytes);
            log(job, role.description() + "scorer seed " + seed, scoring);
            requireEngine(keeper, scoring, "scorer");
            if (scoring.timedOut()) {
                return failed(Label.SCORING_TIMEOUT, "seed " + seed + ": scoring ran past its budget of "
                        + budgets.scoring().seconds() + " s");
            }
            if (scoring.exitCode() != 0) {
                return failed(Label.NO_SCORE, "seed " + seed + ": the scorer exited with " + scoring.exitCode() + ": "
                        + lastLine(scoring.output()));
            }
            Sandbox.Kept kept = sandbox.readKept(keeper, KEPT, KEPT_RESULT + "/" + RESULT_NAME, KEPT_OUT,
                    ScorerResult.MAX_BYTES);
            if (kept.result().isEmpty()) {
                return failed(Label.NO_SCORE, "seed " + seed + ": the scorer wrote no result file");
            }
            ScorerResult parsed = ScorerResult.parse(kept.result().get(), nonce);
            if (parsed.problem().isPresent()) {
                return failed(Label.NO_SCORE, "seed " + seed + ": " + parsed.problem().get());
            }
            Map<String, Double> metrics = new LinkedHashMap<>(parsed.metrics());
            metrics.put("recipe_seconds", recipe.seconds());
            metrics.put("scoring_seconds", scoring.seconds());
            metrics.put(SeedStatistics.ARTIFACT_BYTES, (double) (kept.outputBytes()
                    + (budgets.artifactIncludesCode() ? codeBytes : 0)));
            return new Outcome(metrics, null);
        } finally {
            // whatever the starts made must be known before it is handed over for removal
            settle(recipeStart);
            settle(scorerStart);
            sandbox.removeLater(containers, List.of(output, result));
        }
    }

    /** Creates and starts a run's container behind its gate on a thread of its own; its id goes into {@code containers}. */
    private Future<Sandbox.Started> startBehindGate(Sandbox.Spec spec, List<String> containers) {
        return starts.submit(() -> {
            Sandbox.Prepared container = sandbox.prepare(spec);
            containers.add(container.id());
            return sandbox.start(container);
        });
    }

    /** The started container, or what its start threw, as it was thrown. */
    private static Sandbox.Started started(Future<Sandbox.Started> start) {
        try {
            return start.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException thrown) {
                throw thrown;
            }
            throw new IllegalStateException("a container's start failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AttemptStopped("interrupted while its containers started");
        }
    }

    /**
     * Waits for a start, if one was made, to end, however it ends. Not when interrupted: then what it
     * makes carries the trial's labels and goes with the next stray sweep.
     */
    private static void settle(Future<Sandbox.Started> start) {
        if (start == null) {
            return;
        }
        try {
            start.get();
        } catch (ExecutionException ignored) {
            // thrown to the caller by started(), or beside the failure that ended the seed run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stopStarting() {
        starts.shutdownNow();
    }

    private Optional<Measurement> preflightFailure(EvaluationJob job, String keeper, Preflight preflight,
            Sandbox.Result checked) {
        log(job, "preflight", checked);
        requireEngine(keeper, checked, "preflight");
        if (checked.timedOut() || checked.exitCode() != 0) {
            return Optional.of(Measurement.failed(Label.PREFLIGHT_FAILED, "preflight "
                    + String.join(" ", preflight.command()) + (checked.timedOut() ? " timed out" : " exited with "
                    + checked.exitCode()) + ": " + lastLine(checked.output())));
        }
        return Optional.empty();
    }

    /**
     * A run that died by a signal while its keeper did not outlive it was stopped by the Docker engine
     * (restarted, upgraded, killed), not by its own code: the engine signals every container at once.
     * That is the platform's failure, so the attempt ends as one and is retried, never a CRASH. The
     * keeper is given a few seconds, since the engine stops containers one after another.
     */
    private void requireEngine(String keeper, Sandbox.Result run, String what) {
        boolean bySignal = run.exitCode() > 128 || run.exitCode() < 0;
        if (bySignal && !run.timedOut() && !run.oomKilled() && !sandbox.keepsRunning(keeper, ENGINE_STOP_GRACE)) {
            throw new EngineDisrupted("the Docker engine stopped the attempt's containers: the " + what
                    + " ended with " + run.exitCode() + " and its keeper container did not outlive it");
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

    /**
     * What every container of a trial is told: its seed, where to write, and to use only its CPUs.
     * Python writes no compiled files (the recipe's folder is read-only) and reads the image's: no
     * cache prefix, which would make it look for compiled modules under the prefix only and compile
     * every module it imports from source at every run (numpy and scikit-learn took 1.3-1.5 s to
     * import so, against 0.35-0.57 s).
     */
    static List<String> environment(int seed, double cpus) {
        String threads = Integer.toString((int) Math.max(1, Math.ceil(cpus)));
        return List.of("EMPIRIC_SEED=" + seed, "EMPIRIC_OUT=" + OUT, "HOME=/tmp", "PYTHONDONTWRITEBYTECODE=1",
                "PYTHONUNBUFFERED=1", "OMP_NUM_THREADS=" + threads, "MKL_NUM_THREADS=" + threads);
    }

    /**
     * The preflight's: a check such as {@code python3 -m py_compile} writes the compiled file it
     * makes whatever it is told, so its cache goes to the keeper's /tmp, the recipe's folder being
     * read-only. Nothing the preflight writes there reaches a run.
     */
    private static List<String> preflightEnvironment(double cpus) {
        List<String> env = new ArrayList<>(environment(0, cpus));
        env.add("PYTHONPYCACHEPREFIX=/tmp/pycache");
        return env;
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
