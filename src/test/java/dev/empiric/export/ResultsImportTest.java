package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.trial.Label;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The paper's four published runs import completely, and each one's chain of keeps from the
 * baseline to the best is the one its own LEADERBOARD.md, best.json and lineage view show; messy
 * files are recovered where that is unambiguous and flagged, with the reason, where it is not.
 */
@Tag("unit")
class ResultsImportTest {

    private static final String REFERENCE = "/reference/auto-research-recipes/";
    private static final Pattern LEADERBOARD_ROW = Pattern.compile("^\\| (\\d+) \\| ([-+0-9.]+) \\|", Pattern.MULTILINE);

    @Test
    void cifarAirbench() throws IOException {
        ImportedRun run = reference("cifar", 98, "train_s", Goal.MINIMIZE, Map.of(Label.BASELINE, 1L, Label.KEEP, 4L,
                Label.DISCARD, 5L, Label.GATE_FAILED, 81L, Label.PREFLIGHT_FAILED, 7L));
        // 7 and 8 were kept too, on branches off the baseline that 30 did not build on.
        assertEquals(List.of(0, 30, 70), chainToBest(run));
        ImportRow gateMiss = run.rows().get(1);
        assertEquals(Label.GATE_FAILED, gateMiss.label());
        assertEquals("disqualified", gateMiss.sourceStatus());
        assertEquals(0.95759, gateMiss.metrics().get("accuracy"));
    }

    @Test
    void nanochatD12() throws IOException {
        ImportedRun run = reference("nanochat_d12", 201, "core_metric", Goal.MAXIMIZE, Map.of(Label.BASELINE, 1L,
                Label.KEEP, 5L, Label.DISCARD, 177L, Label.PREFLIGHT_FAILED, 13L, Label.RECIPE_TIMEOUT, 5L));
        assertEquals(List.of(0, 7, 20, 25, 156), chainToBest(run));
        assertTrue(run.rows().stream().anyMatch(r -> r.notes() != null
                && r.notes().startsWith("arxiv 2602.06797: in hard-task regime, optimal WSD schedule \"maintains the")),
                "a quoted field is read without its quoting");
    }

    @Test
    void parameterGolfWithLineage() throws IOException {
        ImportedRun run = reference("pg_ablation_lineage_on", 201, "val_bpb", Goal.MINIMIZE, Map.of(Label.BASELINE, 1L,
                Label.KEEP, 16L, Label.DISCARD, 124L, Label.CRASH, 11L, Label.SCORING_TIMEOUT, 38L,
                Label.SIZE_BLOCKED, 11L));
        assertEquals(List.of(0, 14, 30, 45, 54, 64, 82, 92, 109, 130, 157, 176), chainToBest(run));
        // The lineage view one of its agents was given shows the same chain.
        String view = resource(REFERENCE + "example_lineage_view.txt");
        List<Integer> shown = new ArrayList<>();
        Matcher m = Pattern.compile("^(?: └─ )?exp_(\\d+) \\[", Pattern.MULTILINE).matcher(view);
        while (m.find()) {
            shown.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(chainToBest(run), shown);
        assertEquals(15990719L, run.rows().get(2).artifactBytes());
        assertEquals(600.047, run.rows().get(2).recipeSeconds());
        assertEquals(594.2, run.rows().get(2).scoringSeconds());
    }

    @Test
    void parameterGolfWithoutLineage() throws IOException {
        ImportedRun run = reference("pg_ablation_lineage_off", 201, "val_bpb", Goal.MINIMIZE, Map.of(Label.BASELINE, 1L,
                Label.KEEP, 3L, Label.DISCARD, 46L, Label.CRASH, 20L, Label.SCORING_TIMEOUT, 123L,
                Label.SIZE_BLOCKED, 8L));
        assertEquals(List.of(0, 26, 75), chainToBest(run));
        assertEquals(0, run.rows().get(1).parent(), "a parent written exp_000 is trial 0");
    }

    @Test
    void messyRecipesRowsAreRecoveredOrFlaggedNeverDropped() throws IOException {
        ImportedRun run = ResultsImport.read(ResultsImport.RECIPES, resource("/imports/recipes-messy.tsv"));
        ImportReport report = run.report();
        assertEquals(12, report.rowsRead());
        assertEquals(12, report.imported());
        assertEquals(4, report.recovered());
        assertEquals(6, report.flagged());
        Map<Integer, ImportRow> rows = byNumber(run);

        assertEquals("Short-to-long curriculum:\nfirst 1024 tokens, then \"2048\"", rows.get(1).hypothesis());
        assertEquals(0, rows.get(1).parent());
        assertTrue(rows.get(1).issues().isEmpty());

        assertEquals("Lower GPTQ damping\tand block size 64", rows.get(2).hypothesis());
        assertEquals(-0.003, rows.get(2).expectedDelta());
        assertEquals(List.of("1 stray tab inside hypothesis; rejoined"), rows.get(2).issues());
        assertFalse(rows.get(2).flagged());

        assertEquals("Raise the warmdown floor\nto 0.15 for the last 30 percent", rows.get(3).hypothesis());
        assertEquals(1, rows.get(3).parent(), "a parent written #1");
        assertEquals(Label.DISCARD, rows.get(3).label());
        assertEquals(List.of("an unquoted line break split the row over lines 6-7; rejoined"), rows.get(3).issues());

        assertEquals(List.of("3 trailing fields missing; read as empty"), rows.get(4).issues());
        assertEquals(1460.0, rows.get(4).metrics().get("total_s"));

        assertNull(rows.get(5).label());
        assertEquals(List.of("the status is blank: the outcome is unknown"), rows.get(5).issues());
        assertTrue(rows.get(5).flagged());
        assertNull(rows.get(6).label());
        assertEquals(List.of("unknown status 'exploded'"), rows.get(6).issues());
        assertNull(rows.get(7).score());
        assertEquals("1.07x", rows.get(7).attributes().get("unread:val_bpb"));
        assertEquals(List.of("val_bpb '1.07x' is not a valid number"), rows.get(7).issues());

        ImportRow again = rows.get(11);
        assertEquals("exp_007", again.sourceId());
        assertEquals(List.of("exp_id exp_007 was already used on line 11; numbered after the last row"), again.issues());
        assertEquals(List.of("parent 404 is not a row of this file"), rows.get(8).issues());

        ImportRow shifted = rows.get(9);
        assertEquals(Label.KEEP, shifted.label());
        assertNull(shifted.score(), "which number is the score cannot be told, so none is guessed");
        assertEquals(List.of("17 fields for 18 columns, and they line up in 6 ways that disagree on val_bpb,"
                + " delta_vs_best, artifact_bytes, train_s, eval_s, total_s: left empty"), shifted.issues());
        assertTrue(shifted.attributes().get("source_row").contains("1.078500\t15990300"), "the row as written is kept");

        assertEquals("first line of notes\nsecond line of notes", rows.get(10).notes());
        assertEquals(9, rows.get(10).parent());

        List<ImportReport.Issue> flagged = report.issues().stream().filter(ImportReport.Issue::flagged).toList();
        assertEquals(List.of(9, 10, 11, 12, 13, 14), flagged.stream().map(ImportReport.Issue::line).toList());
    }

    @Test
    void autoresearchFollowsItsBranchFromKeepToKeep() throws IOException {
        ImportedRun run = ResultsImport.read(ResultsImport.AUTORESEARCH, resource("/imports/autoresearch-results.tsv"));
        assertEquals("val_bpb", run.metric());
        assertEquals(Goal.MINIMIZE, run.goal());
        assertEquals(10, run.report().rowsRead());
        assertEquals(10, run.report().imported());
        assertEquals(1, run.report().recovered());
        assertEquals(3, run.report().flagged());
        List<ImportRow> rows = run.rows();
        assertEquals(java.util.Arrays.asList(Label.BASELINE, Label.KEEP, Label.DISCARD, Label.CRASH, Label.KEEP,
                Label.DISCARD, Label.KEEP, null, Label.DISCARD, Label.KEEP), rows.stream().map(ImportRow::label).toList());
        List<Integer> parents = new ArrayList<>();
        rows.forEach(r -> parents.add(r.parent()));
        assertEquals(java.util.Arrays.asList(null, 0, 1, 1, 1, 4, 4, 4, 4, 4), parents,
                "every experiment starts from the last keep");
        assertEquals("a1b2c3d", rows.get(0).sourceId());
        assertEquals(-0.0047, rows.get(1).deltaVsBest(), "the difference of the numbers as written");
        assertNull(rows.get(3).score(), "0.000000 is how a crash is written, not a score");
        assertTrue(rows.get(3).metrics().isEmpty());
        assertEquals("warmup 5%\tthen cosine decay", rows.get(4).hypothesis());
        assertEquals("two-line description:\nwith \"quotes\" inside", rows.get(5).hypothesis());
        assertEquals(List.of("4 fields for 5 columns, and they line up in 2 ways that disagree on val_bpb,"
                + " memory_gb: left empty"), rows.get(6).issues());
        assertEquals(List.of("the status is blank: the outcome is unknown"), rows.get(7).issues());
        assertEquals(List.of("val_bpb 'abc' is not a valid number"), rows.get(8).issues());
        assertEquals(0.988, rows.get(9).score(), "KEEP in capitals is a keep");
        assertEquals(List.of(0, 1, 4, 9), chainToBest(run));
    }

    @Test
    void whatCannotBeAnImportIsRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResultsImport.read("mlflow", "x"))
                .getMessage().contains("unknown import format 'mlflow'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResultsImport.read(ResultsImport.RECIPES, "\n\n"))
                .getMessage().contains("the file is empty"));
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> ResultsImport.read(
                ResultsImport.RECIPES, "commit\tval_bpb\tmemory_gb\tstatus\tdescription\n"));
        assertTrue(wrong.getMessage().contains("'exp_id' column"), wrong.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    /** Imports a reference run and checks it against the run's own best.json and LEADERBOARD.md. */
    private static ImportedRun reference(String folder, int rows, String metric, Goal goal, Map<Label, Long> labels)
            throws IOException {
        ImportedRun run = ResultsImport.read(ResultsImport.RECIPES, resource(REFERENCE + folder + "/results.tsv"));
        assertEquals(rows, run.report().rowsRead());
        assertEquals(rows, run.report().imported());
        assertEquals(0, run.report().flagged(), run.report().issues().toString());
        assertEquals(0, run.report().recovered(), run.report().issues().toString());
        assertEquals(metric, run.metric());
        assertEquals(goal, run.goal());
        assertEquals(new TreeMap<>(labels), run.rows().stream().collect(Collectors.groupingBy(ImportRow::label,
                TreeMap::new, Collectors.counting())));
        Set<Integer> numbers = new HashSet<>();
        run.rows().forEach(r -> assertTrue(numbers.add(r.number()), "trial numbers are unique"));

        JsonNode best = CanonicalJson.parse(resource(REFERENCE + folder + "/best.json"));
        List<ImportRow> kept = keptBestFirst(run);
        ImportRow top = kept.getFirst();
        assertEquals(Integer.parseInt(best.get("exp_id").asText()), top.number(), "best.json names the best");
        assertEquals(best.get(metric).asDouble(), top.score());

        String leaderboard = resource(REFERENCE + folder + "/LEADERBOARD.md");
        assertTrue(leaderboard.contains("- **" + metric + "**: " + best.get(metric).asText()), leaderboard);
        List<Integer> listed = new ArrayList<>();
        Matcher m = LEADERBOARD_ROW.matcher(leaderboard);
        while (m.find()) {
            int number = Integer.parseInt(m.group(1));
            listed.add(number);
            assertEquals(Double.parseDouble(m.group(2)), byNumber(run).get(number).score(), 5e-7);
        }
        List<Integer> keeps = kept.stream().filter(r -> r.label() == Label.KEEP).map(ImportRow::number).limit(20).toList();
        assertEquals(keeps, listed, "the leaderboard is the keeps, best first");
        List<Integer> chain = chainToBest(run);
        assertEquals(top.number(), chain.getLast());
        assertEquals(0, chain.getFirst());
        assertTrue(listed.containsAll(chain.subList(1, chain.size())), "every link of the chain is on the leaderboard");
        for (int i = 1; i < chain.size(); i++) {
            double before = byNumber(run).get(chain.get(i - 1)).score();
            double after = byNumber(run).get(chain.get(i)).score();
            assertTrue(goal == Goal.MINIMIZE ? after < before : after > before, "each keep on the chain improves");
        }
        return run;
    }

    private static List<ImportRow> keptBestFirst(ImportedRun run) {
        Comparator<ImportRow> byScore = Comparator.comparingDouble(ImportRow::score);
        return run.rows().stream().filter(ImportRow::kept)
                .sorted((run.goal() == Goal.MAXIMIZE ? byScore.reversed() : byScore).thenComparingInt(ImportRow::number))
                .toList();
    }

    /** The lineage view's rule: the kept trials on the parent path from the baseline to the best. */
    private static List<Integer> chainToBest(ImportedRun run) {
        Map<Integer, ImportRow> rows = byNumber(run);
        List<Integer> chain = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (ImportRow r = keptBestFirst(run).getFirst(); r != null && seen.add(r.number());
                r = r.parent() == null ? null : rows.get(r.parent())) {
            if (r.kept()) {
                chain.addFirst(r.number());
            }
        }
        return chain;
    }

    private static Map<Integer, ImportRow> byNumber(ImportedRun run) {
        Map<Integer, ImportRow> rows = new HashMap<>();
        run.rows().forEach(r -> rows.put(r.number(), r));
        return rows;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ResultsImportTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
