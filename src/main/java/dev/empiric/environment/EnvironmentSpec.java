package dev.empiric.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * An environment's {@code environment.yaml}: the task, the metric, what agents may edit, and the
 * budgets the server enforces from outside the containers. docs/environments.md documents each key.
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

    /** Memory for a run whose spec names none. */
    public static final int DEFAULT_MEMORY_MB = 512;

    public enum Goal {
        MAXIMIZE, MINIMIZE;

        /** How much better {@code candidate} is than {@code incumbent}: positive means better. */
        public double improvement(double candidate, double incumbent) {
            return this == MAXIMIZE ? candidate - incumbent : incumbent - candidate;
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Metric(String name, Goal goal) {}

    /** One container run: command and the limits the server applies to it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Run(List<String> command, Integer seconds, Integer memoryMb, Double cpus, Integer pids,
            Integer outputMb) {
        public int secondsOr(int fallback) { return seconds == null ? fallback : seconds; }
        public int memoryMbOr(int fallback) { return memoryMb == null ? fallback : memoryMb; }
        public double cpusOr(double fallback) { return cpus == null ? fallback : cpus; }
        public int pidsOr(int fallback) { return pids == null ? fallback : pids; }
        public int outputMbOr(int fallback) { return outputMb == null ? fallback : outputMb; }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Artifact(Long maxBytes, boolean includeCode, boolean allowBinary) {}

    /** A legality gate on a metric's mean over seeds; {@code band} marks results too close to call. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Gate(String metric, Double min, Double max, Double band) {}

    /** The honest-keep rule: beat the incumbent by more than max(minDelta, z * noise floor). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Keep(Double minDelta, Double z, Integer baselineRepeats) {}

    /** A searchable constant: a line {@code NAME = literal} in {@code file}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Knob(String name, String file, String type, Double min, Double max, boolean log,
            List<Object> choices) {}
}
