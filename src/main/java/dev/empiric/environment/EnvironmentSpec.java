package dev.empiric.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An environment's {@code environment.yaml}: the task, the metric, what agents may edit, and the
 * budgets the server enforces from outside the containers. docs/environments.md documents each key
 * and its default. The catalog only ever hands out specs that passed {@link SpecCheck} and went
 * through {@link #withDefaults()}, so every optional key is filled and no consumer applies a default
 * of its own: a default written in two places is a default that drifts.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = false)
public record EnvironmentSpec(
        String name,
        String title,
        String description,
        Metric metric,
        List<String> editable,
        Run recipe,
        Run preflight,
        Run scoring,
        Artifact artifact,
        List<Gate> gates,
        List<Integer> seeds,
        Keep keep,
        Map<String, List<Knob>> surfaces) {

    /** The defaults of every optional key, in one place (docs/environments.md repeats them for people). */
    public static final class Defaults {
        public static final int MEMORY_MB = 512;
        public static final double CPUS = 1.0;
        public static final int PIDS = 128;
        public static final int OUTPUT_MB = 64;
        public static final int PREFLIGHT_SECONDS = 30;
        public static final double MIN_DELTA = 0.0;
        public static final double Z = 2.0;
        public static final int BASELINE_REPEATS = 1;
        public static final int CONFIRM_SEED_SETS = 3;
        public static final double ALPHA = 0.05;

        private Defaults() {}
    }

    public enum Goal {
        MAXIMIZE, MINIMIZE;

        /** How much better {@code candidate} is than {@code incumbent}: positive means better. */
        public double improvement(double candidate, double incumbent) {
            return this == MAXIMIZE ? candidate - incumbent : incumbent - candidate;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Metric(String name, Goal goal) {}

    /** One container run: its command and the limits the server applies to it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Run(List<String> command, Integer seconds, Integer memoryMb, Double cpus, Integer pids,
            Integer outputMb) {

        Run withDefaults(int defaultSeconds) {
            return new Run(command, seconds == null ? defaultSeconds : seconds,
                    memoryMb == null ? Defaults.MEMORY_MB : memoryMb, cpus == null ? Defaults.CPUS : cpus,
                    pids == null ? Defaults.PIDS : pids, outputMb == null ? Defaults.OUTPUT_MB : outputMb);
        }
    }

    /** The size cap (null: uncapped), whether the editable source counts towards it, and binary diffs. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Artifact(Long maxBytes, boolean includeCode, boolean allowBinary) {}

    /** A legality gate on a metric's mean over seeds; {@code band} marks results too close to call. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Gate(String metric, Double min, Double max, Double band) {}

    /**
     * The honest-keep rule: a gain above minDelta is confirmed on up to {@code confirmSeedSets} fresh
     * seed sets (one-sided paired test at {@code alpha}). With 0 confirmation seed sets the threshold
     * max(minDelta, z * noise) alone decides.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Keep(Double minDelta, Double z, Integer baselineRepeats, Integer confirmSeedSets, Double alpha) {

        /** The most fresh seed sets a confirmation may be given. */
        public static final int MAX_CONFIRM_SEED_SETS = 20;

        /**
         * Why {@code value} cannot be a confirmation budget, or null: 0 switches confirmation off, and
         * a paired test needs at least two pairs.
         */
        public static String confirmSeedSetsProblem(String key, int value) {
            return value == 0 || value >= 2 && value <= MAX_CONFIRM_SEED_SETS ? null
                    : key + " must be 0 (no confirmation) or 2 to " + MAX_CONFIRM_SEED_SETS;
        }
    }

    /**
     * A searchable constant: a module-level line {@code NAME = literal} in {@code file}, of type
     * {@code int} or {@code float} (with a range, searched on a log scale when {@code log}) or
     * {@code choice} (one of {@code choices}).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Knob(String name, String file, String type, Double min, Double max, boolean log,
            List<Object> choices) {

        public boolean isChoice() {
            return "choice".equals(type);
        }
    }

    /** The same spec with every optional key set to its default; the catalog serves only these. */
    public EnvironmentSpec withDefaults() {
        Keep filledKeep = new Keep(keep == null || keep.minDelta() == null ? Defaults.MIN_DELTA : keep.minDelta(),
                keep == null || keep.z() == null ? Defaults.Z : keep.z(),
                keep == null || keep.baselineRepeats() == null ? Defaults.BASELINE_REPEATS : keep.baselineRepeats(),
                keep == null || keep.confirmSeedSets() == null ? Defaults.CONFIRM_SEED_SETS : keep.confirmSeedSets(),
                keep == null || keep.alpha() == null ? Defaults.ALPHA : keep.alpha());
        return new EnvironmentSpec(name, title, description, metric, List.copyOf(editable),
                recipe.withDefaults(recipe.seconds()),
                preflight == null || preflight.command() == null ? null : preflight.withDefaults(Defaults.PREFLIGHT_SECONDS),
                scoring.withDefaults(scoring.seconds()),
                artifact == null ? new Artifact(null, false, false) : artifact,
                gates == null ? List.of() : List.copyOf(gates), List.copyOf(seeds), filledKeep,
                surfaces == null ? Map.of() : new LinkedHashMap<>(surfaces));
    }

    /** Every knob of every surface, in spec order. */
    public List<Knob> knobs() {
        return surfaces.values().stream().flatMap(List::stream).toList();
    }
}
