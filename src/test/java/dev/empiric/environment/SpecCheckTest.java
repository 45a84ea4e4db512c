package dev.empiric.environment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Environments are checked in full when loaded; a broken one says exactly what to fix. */
@Tag("unit")
class SpecCheckTest {

    @TempDir
    Path temp;

    @Test
    void everyBundledEnvironmentLoadsWithEveryDefaultFilled() throws Exception {
        try (Stream<Path> dirs = Files.list(Path.of("environments"))) {
            for (Path dir : dirs.filter(d -> Files.isRegularFile(d.resolve("environment.yaml"))).toList()) {
                EnvironmentSpec spec = EnvironmentCatalog.load(dir).spec();
                assertTrue(spec.recipe().memoryMb() > 0 && spec.recipe().pids() > 0 && spec.recipe().outputMb() > 0,
                        dir.toString());
                assertTrue(spec.scoring().cpus() > 0 && spec.keep().z() >= 0 && spec.keep().baselineRepeats() >= 1
                        && spec.keep().confirmSeedSets() != null && spec.keep().alpha() != null);
                assertTrue(spec.gates() != null && spec.surfaces() != null && spec.artifact() != null);
            }
        }
    }

    @Test
    void aBrokenSpecListsEveryProblem() throws IOException {
        Path dir = environment("broken", """
                name: broken
                metric: {name: accuracy, goal: maximize}
                editable: [train.py]
                recipe: {command: [python3, train.py], seconds: 0}
                scoring: {command: [python3, score.py]}
                seeds: [1, 1]
                gates:
                  - {metric: accuracy}
                keep: {z: -1, confirm_seed_sets: 1, alpha: 0.9}
                surfaces:
                  opt:
                    - {name: LEARNING_RATE, file: train.py, type: float, min: 0.0, max: 1.0, log: true}
                    - {name: MISSING, file: train.py, type: int, min: 1, max: 9}
                    - {name: SCHEDULE, file: train.py, type: choice, choices: [cosine]}
                    - {name: WIDTH, file: other.py, type: int, min: 1, max: 9}
                    - {name: DEPTH, file: train.py, type: integer, min: 1, max: 9}
                """, "LEARNING_RATE = 0.1\nSCHEDULE = \"step\"\n");
        List<String> problems = assertProblems(dir);
        for (String expected : List.of("recipe.seconds must be positive", "scoring.seconds is required",
                "seeds must not repeat", "gates[0] (accuracy) needs a min or a max", "keep.z must not be negative",
                "keep.confirm_seed_sets must be 0 (no confirmation) or 2 to 20", "keep.alpha must be above 0",
                "LEARNING_RATE: a log-scaled knob needs min > 0", "MISSING: train.py has no module-level line",
                "SCHEDULE: the recipe's value \"step\" is not one of its choices",
                "WIDTH: other.py is not editable", "DEPTH: type must be one of")) {
            assertTrue(problems.stream().anyMatch(problem -> problem.contains(expected)),
                    "missing '" + expected + "' in " + problems);
        }
    }

    @Test
    void unreadableYamlIsAProblemNotACrash() throws IOException {
        Path dir = environment("garbled", "name: garbled\nmetric: [unclosed\n", "X = 1\n");
        List<String> problems = assertProblems(dir);
        assertEquals(1, problems.size());
        assertTrue(problems.getFirst().startsWith("environment.yaml:"), problems.toString());
    }

    private Path environment(String name, String yaml, String train) throws IOException {
        Path dir = Files.createDirectories(temp.resolve(name));
        Files.writeString(dir.resolve("environment.yaml"), yaml);
        Files.createDirectories(dir.resolve("recipe"));
        Files.writeString(dir.resolve("recipe/train.py"), train);
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\n");
        return dir;
    }

    private static List<String> assertProblems(Path dir) {
        try {
            EnvironmentCatalog.load(dir);
        } catch (EnvironmentCatalog.InvalidEnvironment e) {
            return e.problems();
        }
        throw new AssertionError(dir + " loaded although it is broken");
    }
}
