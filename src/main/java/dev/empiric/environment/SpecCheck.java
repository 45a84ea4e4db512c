package dev.empiric.environment;

import dev.empiric.environment.EnvironmentSpec.Gate;
import dev.empiric.environment.EnvironmentSpec.Knob;
import dev.empiric.environment.EnvironmentSpec.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Everything that can be wrong with an environment, found when it is loaded rather than when a
 * trial hits it: a gate with neither bound would otherwise fail every evaluation, and a knob whose
 * line is missing from the recipe would silently never be searched. Problems are sentences naming
 * the key, so a broken environment can be listed with what to fix.
 */
public final class SpecCheck {

    private static final Set<String> KNOB_TYPES = Set.of("int", "float", "choice");

    private SpecCheck() {}

    /** Every problem of the spec in {@code dir}; empty when it is usable. */
    public static List<String> problems(Path dir, EnvironmentSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec.name() == null || !spec.name().matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            problems.add("name must be lower-case letters, digits, '-' or '_'");
        } else if (!spec.name().equals(dir.getFileName().toString())) {
            problems.add("name '" + spec.name() + "' differs from its folder name");
        }
        if (spec.metric() == null || spec.metric().name() == null || spec.metric().goal() == null) {
            problems.add("metric needs a name and a goal (maximize or minimize)");
        }
        if (spec.editable() == null || spec.editable().isEmpty() || spec.editable().contains(null)) {
            problems.add("editable must list at least one path");
        }
        run("recipe", spec.recipe(), true, problems);
        run("scoring", spec.scoring(), true, problems);
        if (spec.preflight() != null) {
            run("preflight", spec.preflight(), false, problems);
        }
        if (spec.seeds() == null || spec.seeds().isEmpty() || spec.seeds().contains(null)) {
            problems.add("seeds must list at least one seed");
        } else if (new HashSet<>(spec.seeds()).size() != spec.seeds().size()) {
            problems.add("seeds must not repeat a seed");
        }
        if (spec.artifact() != null && spec.artifact().maxBytes() != null && spec.artifact().maxBytes() <= 0) {
            problems.add("artifact.max_bytes must be positive");
        }
        gates(spec.gates(), problems);
        keep(spec.keep(), problems);
        if (!Files.isDirectory(dir.resolve("recipe"))) {
            problems.add("recipe/ folder is missing");
        }
        if (!Files.isRegularFile(dir.resolve("Dockerfile"))) {
            problems.add("Dockerfile is missing");
        }
        if (spec.surfaces() != null) {
            knobs(dir.resolve("recipe"), spec, problems);
        }
        return problems;
    }

    private static void run(String key, Run run, boolean required, List<String> problems) {
        if (run == null) {
            problems.add(key + " is required");
            return;
        }
        if (run.command() == null || run.command().isEmpty() || run.command().contains(null)) {
            problems.add(key + ".command must be a non-empty argv list");
        }
        if (required && run.seconds() == null) {
            problems.add(key + ".seconds is required");
        }
        positive(key + ".seconds", run.seconds(), problems);
        positive(key + ".memory_mb", run.memoryMb(), problems);
        positive(key + ".pids", run.pids(), problems);
        positive(key + ".output_mb", run.outputMb(), problems);
        if (run.cpus() != null && !(run.cpus() > 0)) {
            problems.add(key + ".cpus must be positive");
        }
    }

    private static void gates(List<Gate> gates, List<String> problems) {
        for (int i = 0; gates != null && i < gates.size(); i++) {
            Gate gate = gates.get(i);
            String where = "gates[" + i + "]";
            if (gate == null || gate.metric() == null) {
                problems.add(where + " needs a metric");
                continue;
            }
            if (gate.min() == null && gate.max() == null) {
                problems.add(where + " (" + gate.metric() + ") needs a min or a max");
            }
            if (gate.min() != null && gate.max() != null && gate.min() > gate.max()) {
                problems.add(where + " (" + gate.metric() + ") has min above max");
            }
            if (gate.band() != null && gate.band() < 0) {
                problems.add(where + ".band must not be negative");
            }
        }
    }

    private static void keep(EnvironmentSpec.Keep keep, List<String> problems) {
        if (keep == null) {
            return;
        }
        if (keep.minDelta() != null && keep.minDelta() < 0) {
            problems.add("keep.min_delta must not be negative");
        }
        if (keep.z() != null && keep.z() < 0) {
            problems.add("keep.z must not be negative");
        }
        positive("keep.baseline_repeats", keep.baselineRepeats(), problems);
        if (keep.confirmSeedSets() != null) {
            String problem = EnvironmentSpec.Keep.confirmSeedSetsProblem("keep.confirm_seed_sets", keep.confirmSeedSets());
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (keep.alpha() != null && !(keep.alpha() > 0 && keep.alpha() <= 0.5)) {
            problems.add("keep.alpha must be above 0 and at most 0.5");
        }
    }

    private static void knobs(Path recipe, EnvironmentSpec spec, List<String> problems) {
        EditablePaths editable = spec.editable() == null || spec.editable().contains(null) ? null
                : new EditablePaths(spec.editable());
        Set<String> names = new HashSet<>();
        for (Map.Entry<String, List<Knob>> surface : spec.surfaces().entrySet()) {
            if (!surface.getKey().matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                problems.add("surface '" + surface.getKey() + "' must be lower-case letters, digits, '-' or '_'");
            }
            List<Knob> knobs = surface.getValue() == null ? List.of() : surface.getValue();
            for (Knob knob : knobs) {
                String where = "surfaces." + surface.getKey() + "." + (knob == null ? "?" : knob.name());
                if (knob == null || knob.name() == null || !knob.name().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.add(where + ": a knob needs a name that is a Python identifier");
                    continue;
                }
                if (!names.add(knob.name())) {
                    problems.add(where + ": knob " + knob.name() + " is listed twice");
                }
                knob(recipe, editable, where, knob, problems);
            }
        }
    }

    private static void knob(Path recipe, EditablePaths editable, String where, Knob knob, List<String> problems) {
        if (!KNOB_TYPES.contains(knob.type())) {
            problems.add(where + ": type must be one of " + KNOB_TYPES);
            return;
        }
        if (knob.isChoice()) {
            if (knob.choices() == null || knob.choices().isEmpty()) {
                problems.add(where + ": a choice knob needs choices");
            }
        } else if (knob.min() == null || knob.max() == null || !(knob.min() < knob.max())) {
            problems.add(where + ": a numeric knob needs min < max");
        } else if (knob.log() && knob.min() <= 0) {
            problems.add(where + ": a log-scaled knob needs min > 0");
        }
        if (knob.file() != null && editable != null && !editable.matches(knob.file())) {
            problems.add(where + ": " + knob.file() + " is not editable, so no diff could change the knob");
        }
        Optional<String> literal = literal(recipe, knob);
        if (literal.isEmpty()) {
            problems.add(where + ": " + knob.file() + " has no module-level line '" + knob.name() + " = ...'");
            return;
        }
        if (knob.isChoice()) {
            String value = KnobLiterals.unquote(literal.get());
            if (knob.choices() != null && knob.choices().stream().map(Objects::toString).noneMatch(value::equals)) {
                problems.add(where + ": the recipe's value " + literal.get() + " is not one of its choices");
            }
        } else {
            OptionalDouble value = KnobLiterals.number(literal.get());
            if (value.isEmpty()) {
                problems.add(where + ": the recipe's value " + literal.get() + " is not a number");
            } else if (knob.min() != null && knob.max() != null
                    && (value.getAsDouble() < knob.min() || value.getAsDouble() > knob.max())) {
                problems.add(where + ": the recipe's value " + literal.get() + " is outside [" + knob.min() + ", "
                        + knob.max() + "]");
            }
        }
    }

    private static Optional<String> literal(Path recipe, Knob knob) {
        if (knob.file() == null) {
            return Optional.empty();
        }
        Path file = recipe.resolve(knob.file()).normalize();
        if (!file.startsWith(recipe) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return KnobLiterals.read(Files.readString(file, StandardCharsets.UTF_8), knob.name());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void positive(String key, Integer value, List<String> problems) {
        if (value != null && value <= 0) {
            problems.add(key + " must be positive");
        }
    }
}
