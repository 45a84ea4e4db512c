package dev.empiric.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.empiric.EmpiricConfig;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Gate;
import dev.empiric.trial.GitTrialStore;
import dev.empiric.trial.Label;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Evaluates one attempt of one trial: check out its commit, run the cheap preflight, then for each
 * seed a recipe container and a scoring container, and apply the environment's legality rules to
 * what the scorer reported. The score comes only from the scorer's result file, stamped with a
 * nonce that the recipe never sees.
 */
@ApplicationScoped
public class TrialEvaluator {

    private static final int RESULT_MAX_BYTES = 64 * 1024;
    private static final int BASELINE_REPEAT_SEED_STRIDE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sandbox sandbox;
    private final EnvironmentImages images;
    private final GitTrialStore store;
    private final TrialLogs logs;
    private final EmpiricConfig config;
    private final SecureRandom random = new SecureRandom();

    TrialEvaluator(Sandbox sandbox, EnvironmentImages images, GitTrialStore store, TrialLogs logs,
            EmpiricConfig config) {
        this.sandbox = sandbox;
        this.images = images;
        this.store = store;
        this.logs = logs;
        this.config = config;
    }

    /** Metrics of one seed's pair of runs, or the label that ended it. */
    private record SeedResult(Map<String, Double> metrics, Evaluation failure) {}

    /**
     * Runs the trial. Exceptions thrown from here are infrastructure failures (Docker, disk) and are
     * retried by the queue; everything the recipe can cause ends as a labelled {@link Evaluation}.
     */
    public Evaluation evaluate(EvaluationJob job) {
        EnvironmentSpec spec = job.environment().spec();
        images.ensure(job.environment());
        Path tree = config.dataDir().resolve("work").resolve("trial-" + job.trialId() + "-" + job.attempt())
                .toAbsolutePath();
        try {
            deleteTree(tree);
            Files.createDirectories(tree);
            store.checkout(job.campaignId(), job.commitId(), tree);
            long codeBytes = codeBytes(tree);
            if (spec.artifact() != null && spec.artifact().includeCode() && spec.artifact().maxBytes() != null
                    && codeBytes > spec.artifact().maxBytes()) {
                return Evaluation.failed(Label.SIZE_BLOCKED, "preflight: the recipe's code alone is " + codeBytes
                        + " bytes, over the cap of " + spec.artifact().maxBytes());
            }
            Optional<Evaluation> preflight = preflight(job, tree);
            if (preflight.isPresent()) {
                return preflight.get();
            }
            return measure(job, tree, codeBytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(tree);
        }
    }

    private Optional<Evaluation> preflight(EvaluationJob job, Path tree) {
        EnvironmentSpec.Run preflight = job.environment().spec().preflight();
        if (preflight == null || preflight.command() == null) {
            return Optional.empty();
        }
        EnvironmentSpec.Run recipe = job.environment().spec().recipe();
        Sandbox.Spec run = new Sandbox.Spec("preflight", job.environment().recipeImage(), preflight.command(),
                environment(0, recipe), "/work/recipe", tree.toString(), "/work/recipe", List.of(),
                new Sandbox.Limits(recipe.memoryMbOr(EnvironmentSpec.DEFAULT_MEMORY_MB), recipe.cpusOr(1.0), recipe.pidsOr(128)),
                Duration.ofSeconds(preflight.secondsOr(30)), sandbox.labels(job.trialId()));
        Sandbox.Result result = sandbox.run(run, config.evaluator().logTailBytes());
        logs.append(job.campaignId(), job.number(), describe("attempt " + job.attempt() + " preflight", result),
                result.output());
        if (result.timedOut() || result.exitCode() != 0) {
            return Optional.of(Evaluation.failed(Label.PREFLIGHT_FAILED, "preflight "
                    + String.join(" ", preflight.command()) + (result.timedOut() ? " timed out" : " exited with "
                    + result.exitCode()) + ": " + lastLine(result.output())));
        }
        return Optional.empty();
    }

    private Evaluation measure(EvaluationJob job, Path tree, long codeBytes) throws IOException {
        EnvironmentSpec spec = job.environment().spec();
        int repeats = job.isBaseline() ? baselineRepeats(spec, job.settings()) : 1;
        List<Map<String, Double>> runs = null;
        List<Double> repeatScores = new ArrayList<>();
        // Repeat 0 (the environment's own seeds) runs last: the repeats before it warm the image's
        // files into the page cache, which a wallclock metric would otherwise charge to the baseline.
        for (int repeat = repeats - 1; repeat >= 0; repeat--) {
            List<Map<String, Double>> repeatRuns = new ArrayList<>();
            for (int seed : spec.seeds()) {
                SeedResult result = runSeed(job, tree, seed + repeat * BASELINE_REPEAT_SEED_STRIDE, codeBytes);
                if (result.failure() != null) {
                    return result.failure();
                }
                repeatRuns.add(result.metrics());
            }
            if (repeat == 0) {
                runs = repeatRuns;
            }
            repeatScores.add(mean(repeatRuns, spec.metric().name()));
        }
        // The incumbent is scored on the environment's seeds, exactly as every trial is; the repeats
        // on shifted seeds only measure how much the score moves when nothing but the seed changes.
        Map<String, Double> metrics = aggregate(runs);
        List<String> notes = new ArrayList<>();
        Double noise = null;
        if (repeats > 1) {
            noise = standardDeviation(repeatScores);
            metrics.put("noise_floor", noise);
            notes.add("baseline measured on " + repeats + " seed sets: " + repeatScores.stream().map(TrialEvaluator::format)
                    .toList() + "; noise floor (standard deviation) " + format(noise)
                    + "; scored on the environment's seeds like every trial");
        }
        Double score = metrics.get(spec.metric().name());
        Evaluation evaluation = new Evaluation(null, score, metrics.get(spec.metric().name() + "_std"), metrics,
                metrics.get("recipe_seconds"), metrics.get("scoring_seconds"),
                metrics.containsKey("artifact_bytes") ? metrics.get("artifact_bytes").longValue() : null, notes, noise);
        if (score == null || !Double.isFinite(score)) {
            return evaluation.withLabel(Label.NO_SCORE, "the scorer did not report the metric '"
                    + spec.metric().name() + "'");
        }
        return applyLegality(spec, evaluation);
    }

    private Evaluation applyLegality(EnvironmentSpec spec, Evaluation evaluation) {
        Long cap = spec.artifact() == null ? null : spec.artifact().maxBytes();
        if (cap != null && evaluation.artifactBytes() != null && evaluation.artifactBytes() > cap) {
            return evaluation.withLabel(Label.SIZE_BLOCKED, "artifact is " + evaluation.artifactBytes()
                    + " bytes, over the cap of " + cap);
        }
        List<String> borderline = new ArrayList<>();
        for (Gate gate : spec.gates() == null ? List.<Gate>of() : spec.gates()) {
            Double value = evaluation.metrics().get(gate.metric());
            if (value == null) {
                return evaluation.withLabel(Label.NO_SCORE, "the scorer did not report '" + gate.metric()
                        + "', which a gate needs");
            }
            double margin = gate.min() != null ? value - gate.min() : gate.max() - value;
            evaluation.metrics().put(gate.metric() + "_margin", margin);
            if (margin < 0) {
                return evaluation.withLabel(Label.GATE_FAILED, gate.metric() + " " + format(value) + " misses the gate "
                        + (gate.min() != null ? ">= " + format(gate.min()) : "<= " + format(gate.max()))
                        + " by " + format(-margin));
            }
            if (gate.band() != null && margin <= gate.band()) {
                borderline.add("borderline: " + gate.metric() + " " + format(value) + " is within "
                        + format(gate.band()) + " of its gate");
            }
        }
        if (borderline.isEmpty()) {
            return evaluation;
        }
        List<String> notes = new ArrayList<>(evaluation.notes());
        notes.addAll(borderline);
        return new Evaluation(null, evaluation.score(), evaluation.scoreStd(), evaluation.metrics(),
                evaluation.recipeSeconds(), evaluation.scoringSeconds(), evaluation.artifactBytes(), notes,
                evaluation.noiseFloor());
    }

    private SeedResult runSeed(EvaluationJob job, Path tree, int seed, long codeBytes) throws IOException {
        EnvironmentSpec spec = job.environment().spec();
        CampaignSettings settings = job.settings();
        Map<String, String> labels = sandbox.labels(job.trialId());
        String prefix = "empiric-" + labels.get(Sandbox.LABEL_INSTANCE) + "-t" + job.trialId() + "-a" + job.attempt()
                + "-s" + seed;
        EnvironmentSpec.Run recipe = spec.recipe();
        String output = sandbox.createTmpfsVolume(prefix + "-out", recipe.outputMbOr(64), labels);
        String result = sandbox.createTmpfsVolume(prefix + "-result", 1, labels);
        String keeper = null;
        try {
            keeper = sandbox.startKeeper(job.environment().recipeImage(),
                    List.of(new Sandbox.Volume(output, "/work/out", true), new Sandbox.Volume(result, "/result", true)),
                    labels);
            int recipeSeconds = settings.recipeSecondsFor(spec);
            int memoryMb = settings.recipeMemoryMbFor(spec);
            Sandbox.Result run = sandbox.run(new Sandbox.Spec("recipe", job.environment().recipeImage(),
                    recipe.command(), environment(seed, recipe), "/work/recipe", tree.toString(), "/work/recipe",
                    List.of(new Sandbox.Volume(output, "/work/out", false)),
                    new Sandbox.Limits(memoryMb, recipe.cpusOr(1.0), recipe.pidsOr(128)),
                    Duration.ofSeconds(recipeSeconds), labels), config.evaluator().logTailBytes());
            logs.append(job.campaignId(), job.number(), describe("attempt " + job.attempt() + " recipe seed " + seed, run),
                    run.output());
            if (run.timedOut()) {
                return failure(Label.RECIPE_TIMEOUT, "seed " + seed + ": the recipe ran past its budget of "
                        + recipeSeconds + " s and was killed");
            }
            if (run.outOfMemory()) {
                return failure(Label.OOM, "seed " + seed + ": the recipe exceeded its memory limit of " + memoryMb
                        + " MB");
            }
            if (run.exitCode() != 0) {
                return failure(Label.CRASH, "seed " + seed + ": the recipe exited with " + run.exitCode() + ": "
                        + lastLine(run.output()));
            }
            EnvironmentSpec.Run scoring = spec.scoring();
            int scoringSeconds = settings.scoringSecondsFor(spec);
            String nonce = HexFormat.of().formatHex(random.generateSeed(16));
            List<String> env = new ArrayList<>(environment(seed, scoring));
            env.add("EMPIRIC_NONCE=" + nonce);
            env.add("EMPIRIC_RESULT=/result/result.json");
            Sandbox.Result score = sandbox.run(new Sandbox.Spec("scorer", job.environment().scorerImage(),
                    scoring.command(), env, "/", null, null,
                    List.of(new Sandbox.Volume(output, "/work/out", true), new Sandbox.Volume(result, "/result", false)),
                    new Sandbox.Limits(scoring.memoryMbOr(EnvironmentSpec.DEFAULT_MEMORY_MB), scoring.cpusOr(1.0), scoring.pidsOr(128)),
                    Duration.ofSeconds(scoringSeconds), labels), config.evaluator().logTailBytes());
            logs.append(job.campaignId(), job.number(), describe("attempt " + job.attempt() + " scorer seed " + seed, score),
                    score.output());
            if (score.timedOut()) {
                return failure(Label.SCORING_TIMEOUT, "seed " + seed + ": scoring ran past its budget of "
                        + scoringSeconds + " s");
            }
            if (score.exitCode() != 0) {
                return failure(Label.NO_SCORE, "seed " + seed + ": the scorer exited with " + score.exitCode() + ": "
                        + lastLine(score.output()));
            }
            Optional<byte[]> file = sandbox.readFile(keeper, "/result/result.json", RESULT_MAX_BYTES);
            if (file.isEmpty()) {
                return failure(Label.NO_SCORE, "seed " + seed + ": the scorer wrote no result file");
            }
            SeedResult parsed = parseResult(file.get(), nonce, seed);
            if (parsed.failure() != null) {
                return parsed;
            }
            Map<String, Double> metrics = parsed.metrics();
            long artifactBytes = sandbox.regularFileBytes(keeper, "/work/out")
                    + (spec.artifact() != null && spec.artifact().includeCode() ? codeBytes : 0);
            metrics.put("recipe_seconds", run.seconds());
            metrics.put("scoring_seconds", score.seconds());
            metrics.put("artifact_bytes", (double) artifactBytes);
            return new SeedResult(metrics, null);
        } finally {
            if (keeper != null) {
                sandbox.remove(keeper);
            }
            sandbox.removeVolume(output);
            sandbox.removeVolume(result);
        }
    }

    private static SeedResult parseResult(byte[] bytes, String nonce, int seed) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            return failure(Label.NO_SCORE, "seed " + seed + ": the scorer's result is not JSON");
        }
        if (root == null || !nonce.equals(root.path("nonce").asText())) {
            return failure(Label.NO_SCORE, "seed " + seed + ": the result file is not stamped with this run's nonce");
        }
        if (root.hasNonNull("error")) {
            return failure(Label.NO_SCORE, "seed " + seed + ": " + truncate(root.get("error").asText(), 500));
        }
        Map<String, Double> metrics = new TreeMap<>();
        root.path("metrics").fields().forEachRemaining(field -> {
            if (field.getValue().isNumber() && Double.isFinite(field.getValue().asDouble())
                    && field.getKey().matches("[A-Za-z0-9_.-]{1,64}")) {
                metrics.put(field.getKey(), field.getValue().asDouble());
            }
        });
        return new SeedResult(metrics, null);
    }

    private static SeedResult failure(Label label, String note) {
        return new SeedResult(null, Evaluation.failed(label, note));
    }

    private List<String> environment(int seed, EnvironmentSpec.Run run) {
        String threads = Integer.toString((int) Math.max(1, Math.ceil(run.cpusOr(1.0))));
        return List.of("EMPIRIC_SEED=" + seed, "EMPIRIC_OUT=/work/out", "HOME=/tmp", "PYTHONDONTWRITEBYTECODE=1",
                "PYTHONPYCACHEPREFIX=/tmp/pycache", "PYTHONUNBUFFERED=1", "OMP_NUM_THREADS=" + threads,
                "MKL_NUM_THREADS=" + threads);
    }

    private static int baselineRepeats(EnvironmentSpec spec, CampaignSettings settings) {
        if (settings.baselineRepeats() != null) {
            return Math.max(1, settings.baselineRepeats());
        }
        return spec.keep() != null && spec.keep().baselineRepeats() != null ? Math.max(1, spec.keep().baselineRepeats())
                : 1;
    }

    /** Mean of every metric over runs, and its spread as {@code <name>_std} when there are several. */
    private static Map<String, Double> aggregate(List<Map<String, Double>> runs) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String name : runs.getFirst().keySet()) {
            metrics.put(name, mean(runs, name));
            if (runs.size() > 1) {
                metrics.put(name + "_std", standardDeviation(runs.stream().map(run -> run.get(name)).toList()));
            }
        }
        if (runs.size() > 1) {
            metrics.put("artifact_bytes", runs.stream().mapToDouble(run -> run.get("artifact_bytes")).max().orElse(0));
            metrics.remove("artifact_bytes_std");
        }
        return metrics;
    }

    private static double mean(List<Map<String, Double>> runs, String name) {
        return runs.stream().map(run -> run.get(name)).filter(v -> v != null).mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN);
    }

    static double standardDeviation(List<Double> values) {
        if (values.size() < 2) {
            return 0;
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (values.size() - 1));
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

    private static String describe(String what, Sandbox.Result result) {
        return what + ": exit " + result.exitCode() + (result.timedOut() ? " (killed at deadline)" : "")
                + (result.oomKilled() ? " (out of memory)" : "") + String.format(" in %.2f s", result.seconds());
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return truncate(lines[lines.length - 1], 300);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    static String format(double value) {
        return String.format("%.6g", value);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
