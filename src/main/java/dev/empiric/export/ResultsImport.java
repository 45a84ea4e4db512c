package dev.empiric.export;

import dev.empiric.environment.EnvironmentSpec.Goal;
import dev.empiric.export.LenientTsv.Column;
import dev.empiric.export.LenientTsv.Kind;
import dev.empiric.export.LenientTsv.Row;
import dev.empiric.trial.Label;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the results files of other auto-research harnesses into {@link ImportRow}s, so their runs
 * can be looked at, compared and exported like Empiric's own campaigns:
 * <ul>
 *   <li>{@value #RECIPES}: the paper's {@code results.tsv} (Auto-Research-Recipes), one row per
 *   trial with ids like {@code 012} or {@code exp_012}, parents, specialists, statuses such as
 *   keep, discard, crash, size_blocked, eval_budget_overrun, harness_abort;</li>
 *   <li>{@value #AUTORESEARCH}: karpathy/autoresearch's {@code results.tsv} (commit, val_bpb,
 *   memory_gb, status keep/discard/crash, description), where the branch only advances on a keep.</li>
 * </ul>
 * Nothing is dropped: a row is recovered when its fields can be recovered unambiguously, otherwise
 * it is imported flagged, and the {@link ImportReport} names every such row and what was wrong.
 */
public final class ResultsImport {

    public static final String RECIPES = "auto-research-recipes";
    public static final String AUTORESEARCH = "autoresearch";
    public static final List<String> FORMATS = List.of(RECIPES, AUTORESEARCH);

    /** The paper's statuses (and Empiric's own labels) in Empiric's taxonomy; harness_abort was its infrastructure failure. */
    static final Map<String, Label> RECIPES_STATUSES;
    private static final Map<String, Label> AUTORESEARCH_STATUSES = Map.of("keep", Label.KEEP, "discard", Label.DISCARD,
            "crash", Label.CRASH, "baseline", Label.BASELINE);
    /** Columns of the paper's file with a meaning of their own; every other one is a metric or an attribute. */
    private static final Set<String> RECIPES_TEXT = Set.of("specialist", "domain", "job_name", "snapshot_path");
    private static final Set<String> RECIPES_NUMBERS = Set.of("expected_delta", "delta_vs_best", "artifact_bytes",
            "train_s", "eval_s", "total_s");
    /** Columns that become an {@link ImportRow} field of their own (the score column too). */
    private static final Set<String> RECIPES_MAPPED = Set.of("exp_id", "timestamp", "specialist", "parent_exp",
            "baseline_exp", "hypothesis", "expected_delta", "status", "delta_vs_best", "artifact_bytes", "train_s",
            "eval_s", "notes");
    private static final Pattern ID = Pattern.compile("(?i)(?:exp[_-]?|#)?0*(\\d{1,9})(?:\\.0+)?");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{7,40}");
    private static final Set<String> NONE = Set.of("none", "null", "nan", "n/a", "na", "-");
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    static {
        Map<String, Label> statuses = new HashMap<>();
        for (Label label : Label.values()) {
            statuses.put(label.name().toLowerCase(Locale.ROOT), label);
        }
        statuses.putAll(Map.of("preflight_crash", Label.PREFLIGHT_FAILED, "eval_budget_overrun", Label.SCORING_TIMEOUT,
                "train_budget_overrun", Label.RECIPE_TIMEOUT, "disqualified", Label.GATE_FAILED,
                "harness_abort", Label.INFRA_ERROR));
        RECIPES_STATUSES = Map.copyOf(statuses);
    }

    private ResultsImport() {}

    /**
     * Reads {@code text} (the whole file) in {@code format}.
     *
     * @throws IllegalArgumentException for an unknown format, or a file whose header is not the format's
     */
    public static ImportedRun read(String format, String text) {
        String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return switch (format) {
            case RECIPES -> new Reader(RECIPES, content).recipes();
            case AUTORESEARCH -> new Reader(AUTORESEARCH, content).autoresearch();
            default -> throw new IllegalArgumentException("unknown import format '" + format + "'; known: " + FORMATS);
        };
    }

    /** One file being read: its rows, their issues and the numbers they take. */
    private static final class Reader {
        private final String format;
        private final List<Row> physical;
        private final List<String> header;
        private final List<ImportRow> rows = new ArrayList<>();
        private final List<ImportReport.Issue> issues = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Reader(String format, String text) {
            this.format = format;
            this.physical = LenientTsv.split(text);
            if (physical.isEmpty()) {
                throw new IllegalArgumentException("the file is empty; a " + format + " results.tsv starts with its"
                        + " header row");
            }
            this.header = physical.getFirst().fields().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        }

        ImportedRun recipes() {
            require("exp_id", "status", "parent_exp", "hypothesis");
            int status = header.indexOf("status");
            String metric = status + 1 < header.size() ? header.get(status + 1) : null;
            if (metric == null || RECIPES_MAPPED.contains(metric) && !metric.equals("train_s")
                    && !metric.equals("eval_s") || RECIPES_TEXT.contains(metric)) {
                throw new IllegalArgumentException("the column after 'status' must be the score (train_s, val_bpb,"
                        + " core_metric, ...), not " + (metric == null ? "missing" : "'" + metric + "'"));
            }
            List<Column> columns = header.stream().map(name -> new Column(name, switch (name) {
                case "exp_id", "parent_exp", "baseline_exp" -> Kind.ID;
                case "timestamp" -> Kind.TIMESTAMP;
                case "status" -> Kind.STATUS;
                case "hypothesis", "notes" -> Kind.TEXT;
                default -> RECIPES_TEXT.contains(name) ? Kind.WORD
                        : RECIPES_NUMBERS.contains(name) || name.equals(metric) ? Kind.NUMBER : Kind.WORD;
            })).toList();
            LenientTsv.Types types = (kind, value) -> fits(kind, value, RECIPES_STATUSES);
            Predicate<List<String>> startsRow = f -> f.size() > 1 && id(f.get(0)) != null
                    && (f.get(1).isBlank() || timestamp(f.get(1)) != null);
            Map<Integer, Integer> firstLine = new HashMap<>();
            for (Row read : LenientTsv.rejoin(physical.subList(1, physical.size()), columns.size(), startsRow)) {
                Row row = LenientTsv.align(read, columns, types);
                Map<String, String> f = byName(row);
                List<String> problems = new ArrayList<>(row.problems());
                Integer number = id(f.get("exp_id"));
                if (number == null) {
                    problems.add("exp_id " + (f.get("exp_id").isBlank() ? "is missing" : "'"
                            + LenientTsv.shorten(f.get("exp_id")) + "' is not a trial id") + "; numbered after the last row");
                } else if (firstLine.putIfAbsent(number, row.line()) != null) {
                    problems.add("exp_id " + f.get("exp_id").strip() + " was already used on line " + firstLine.get(number)
                            + "; numbered after the last row");
                    number = null;
                }
                rows.add(recipesRow(row, f, number, metric, columns, problems));
            }
            renumber(firstLine);
            checkParents();
            Goal goal = goal(metric);
            return finish(metric, goal);
        }

        private ImportRow recipesRow(Row row, Map<String, String> f, Integer number, String metric, List<Column> columns,
                List<String> problems) {
            Map<String, Double> metrics = new TreeMap<>();
            Map<String, String> attributes = new TreeMap<>();
            for (Column column : columns) {
                String value = f.get(column.name()).strip();
                if (value.isEmpty()) {
                    continue;
                }
                if (!fits(column.kind(), value, RECIPES_STATUSES)) {
                    attributes.put("unread:" + column.name(), value);
                } else if (!column.name().equals(metric) && !RECIPES_MAPPED.contains(column.name())) {
                    Double numeric = number(value);
                    if (numeric != null && !RECIPES_TEXT.contains(column.name())) {
                        metrics.put(column.name(), numeric);
                    } else {
                        attributes.put(column.name(), value);
                    }
                }
            }
            String status = f.get("status").strip();
            Label label = status(status, RECIPES_STATUSES, problems);
            Double artifact = number(f.get("artifact_bytes"));
            String specialist = blankToNull(f.get("specialist"));
            return row(row.line(), blankToNull(f.get("exp_id")), number == null ? -1 : number, id(f.get("parent_exp")),
                    id(f.get("baseline_exp")), specialist != null ? specialist : blankToNull(f.get("domain")),
                    blankToNull(f.get("hypothesis")), number(f.get("expected_delta")), status, label,
                    number(f.get(metric)), number(f.get("delta_vs_best")), metrics,
                    artifact == null ? null : artifact.longValue(), number(f.get("train_s")), number(f.get("eval_s")),
                    timestamp(f.get("timestamp")), blankToNull(f.get("notes")), attributes, row.recovered(), problems, row.source());
        }

        ImportedRun autoresearch() {
            require("commit", "status", "description");
            String metric = header.stream().filter(h -> !Set.of("commit", "status", "description", "memory_gb")
                    .contains(h)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "an autoresearch results.tsv has a score column (val_bpb) after 'commit'"));
            List<Column> columns = header.stream().map(name -> new Column(name, switch (name) {
                case "commit" -> Kind.COMMIT;
                case "status" -> Kind.STATUS;
                case "description" -> Kind.TEXT;
                default -> name.equals(metric) || name.equals("memory_gb") ? Kind.NUMBER : Kind.WORD;
            })).toList();
            LenientTsv.Types types = (kind, value) -> fits(kind, value, AUTORESEARCH_STATUSES);
            Predicate<List<String>> startsRow = f -> f.size() > 1 && COMMIT.matcher(f.get(0).strip()).matches()
                    && (f.get(1).isBlank() || number(f.get(1)) != null);
            Integer lastKept = null;
            String lastKeptScore = null;
            for (Row read : LenientTsv.rejoin(physical.subList(1, physical.size()), columns.size(), startsRow)) {
                Row row = LenientTsv.align(read, columns, types);
                Map<String, String> f = byName(row);
                List<String> problems = new ArrayList<>(row.problems());
                int number = rows.size();
                String status = f.get("status").strip();
                Label label = status(status, AUTORESEARCH_STATUSES, problems);
                if (number == 0 && label == Label.KEEP) {
                    label = Label.BASELINE;
                    notes.add("line " + row.line() + " is taken as the baseline: autoresearch's first run measures the"
                            + " code as it was");
                }
                boolean crashed = label == Label.CRASH;
                // autoresearch writes 0.000000 and 0.0 for a crash: no score, no memory.
                Double score = crashed && Double.valueOf(0).equals(number(f.get(metric))) ? null : number(f.get(metric));
                Double memory = crashed && Double.valueOf(0).equals(number(f.get("memory_gb"))) ? null
                        : number(f.get("memory_gb"));
                Map<String, Double> metrics = new TreeMap<>();
                Map<String, String> attributes = new TreeMap<>();
                if (memory != null) {
                    metrics.put("memory_gb", memory);
                }
                for (Column column : columns) {
                    String value = f.get(column.name()).strip();
                    if (!value.isEmpty() && !fits(column.kind(), value, AUTORESEARCH_STATUSES)) {
                        attributes.put("unread:" + column.name(), value);
                    } else if (!value.isEmpty() && column.kind() == Kind.WORD) {
                        Double numeric = number(value);
                        if (numeric != null) {
                            metrics.put(column.name(), numeric);
                        } else {
                            attributes.put(column.name(), value);
                        }
                    }
                }
                String commit = blankToNull(f.get("commit"));
                if (commit != null && COMMIT.matcher(commit).matches()) {
                    attributes.put("commit", commit);
                }
                boolean judged = label == Label.KEEP || label == Label.DISCARD;
                rows.add(row(row.line(), commit != null ? commit : "row " + (number + 1), number, lastKept,
                        judged ? lastKept : null, AUTORESEARCH, blankToNull(f.get("description")), null, status, label, score,
                        judged && score != null && lastKeptScore != null ? difference(f.get(metric), lastKeptScore) : null,
                        metrics, null,
                        null, null, null, null, attributes, row.recovered(), problems, row.source()));
                if ((label == Label.KEEP || label == Label.BASELINE) && score != null) {
                    lastKept = number;
                    lastKeptScore = f.get(metric);
                }
            }
            if (rows.isEmpty() || rows.getFirst().label() != Label.BASELINE) {
                notes.add("no baseline: the first row is not a keep");
            }
            return finish(metric, goal(metric));
        }

        private void require(String... names) {
            for (String name : names) {
                if (!header.contains(name)) {
                    throw new IllegalArgumentException("the first row must be a " + format + " header with a '" + name
                            + "' column; it has " + header);
                }
            }
        }

        private Map<String, String> byName(Row row) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                fields.put(header.get(i), row.fields().get(i));
            }
            return fields;
        }

        private static Label status(String status, Map<String, Label> statuses, List<String> problems) {
            if (status.isEmpty()) {
                problems.add("the status is blank: the outcome is unknown");
                return null;
            }
            Label label = statuses.get(status.toLowerCase(Locale.ROOT));
            String unknown = "unknown status '" + LenientTsv.shorten(status) + "'";
            if (label == null && !problems.contains(unknown)) {
                problems.add(unknown);
            }
            return label;
        }

        private static ImportRow row(int line, String sourceId, int number, Integer parent, Integer incumbent,
                String specialist, String hypothesis, Double expectedDelta, String sourceStatus, Label label,
                Double score, Double deltaVsBest, Map<String, Double> metrics, Long artifactBytes, Double recipeSeconds,
                Double scoringSeconds, Instant timestamp, String notes, Map<String, String> attributes,
                List<String> recovered, List<String> problems, List<String> source) {
            List<String> issues = new ArrayList<>(recovered);
            issues.addAll(problems);
            if (!problems.isEmpty()) {
                attributes.put("source_row", String.join("\t", source));
            }
            return new ImportRow(line, sourceId, number, parent, incumbent, specialist, hypothesis, expectedDelta,
                    sourceStatus, label, score, deltaVsBest, metrics, artifactBytes, recipeSeconds, scoringSeconds,
                    timestamp, notes, attributes, List.copyOf(issues), !problems.isEmpty());
        }

        /** Rows without a usable id of their own get the numbers after the last one, in file order. */
        private void renumber(Map<Integer, Integer> used) {
            int next = used.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            for (int i = 0; i < rows.size(); i++) {
                ImportRow r = rows.get(i);
                if (r.number() < 0) {
                    rows.set(i, with(r, next++, r.parent(), r.issues(), r.flagged()));
                }
            }
        }

        private void checkParents() {
            Set<Integer> numbers = new java.util.HashSet<>();
            rows.forEach(r -> numbers.add(r.number()));
            for (int i = 0; i < rows.size(); i++) {
                ImportRow r = rows.get(i);
                if (r.parent() != null && !numbers.contains(r.parent())) {
                    List<String> issues = new ArrayList<>(r.issues());
                    issues.add("parent " + r.parent() + " is not a row of this file");
                    rows.set(i, with(r, r.number(), r.parent(), issues, true));
                }
            }
        }

        private static ImportRow with(ImportRow r, int number, Integer parent, List<String> issues, boolean flagged) {
            return new ImportRow(r.line(), r.sourceId(), number, parent, r.incumbent(), r.specialist(), r.hypothesis(),
                    r.expectedDelta(), r.sourceStatus(), r.label(), r.score(), r.deltaVsBest(), r.metrics(),
                    r.artifactBytes(), r.recipeSeconds(), r.scoringSeconds(), r.timestamp(), r.notes(), r.attributes(),
                    List.copyOf(issues), flagged);
        }

        /**
         * The score's direction, from what the run itself kept: keeps move away from the incumbent they
         * beat. Without any keep to tell, from the metric's name.
         */
        private Goal goal(String metric) {
            Map<Integer, ImportRow> byNumber = new HashMap<>();
            rows.forEach(r -> byNumber.put(r.number(), r));
            int up = 0;
            int down = 0;
            for (ImportRow r : rows) {
                if (r.label() != Label.KEEP || r.score() == null) {
                    continue;
                }
                Double delta = r.deltaVsBest();
                ImportRow incumbent = r.incumbent() == null ? null : byNumber.get(r.incumbent());
                if (delta == null && incumbent != null && incumbent.score() != null) {
                    delta = r.score() - incumbent.score();
                }
                if (delta != null && delta > 0) {
                    up++;
                } else if (delta != null && delta < 0) {
                    down++;
                }
            }
            if (up != down) {
                Goal goal = up > down ? Goal.MAXIMIZE : Goal.MINIMIZE;
                notes.add("score column '" + metric + "', " + goal.name().toLowerCase(Locale.ROOT) + "d: " + Math.max(up, down)
                        + " of " + (up + down) + " keeps moved it " + (up > down ? "up" : "down"));
                return goal;
            }
            boolean lower = metric.matches(".*(bpb|loss|_s|seconds|time|error|perplexity|ppl).*");
            Goal goal = lower ? Goal.MINIMIZE : Goal.MAXIMIZE;
            notes.add("score column '" + metric + "', " + goal.name().toLowerCase(Locale.ROOT) + "d: no keep tells the"
                    + " direction, so it is guessed from the name");
            return goal;
        }

        private ImportedRun finish(String metric, Goal goal) {
            int recovered = 0;
            int flagged = 0;
            for (ImportRow r : rows) {
                if (r.flagged()) {
                    flagged++;
                } else if (!r.issues().isEmpty()) {
                    recovered++;
                }
                for (String issue : r.issues()) {
                    issues.add(new ImportReport.Issue(r.line(), r.sourceId(), r.flagged(), issue));
                }
            }
            ImportReport report = new ImportReport(format, rows.size(), rows.size(), recovered, flagged,
                    List.copyOf(issues), List.copyOf(notes));
            return new ImportedRun(format, metric, goal, List.copyOf(rows), report);
        }
    }

    static boolean fits(Kind kind, String value, Map<String, Label> statuses) {
        return switch (kind) {
            case ID -> id(value) != null || NONE.contains(value.toLowerCase(Locale.ROOT));
            case TIMESTAMP -> timestamp(value) != null;
            case NUMBER -> number(value) != null || NONE.contains(value.toLowerCase(Locale.ROOT));
            case STATUS -> statuses.containsKey(value.toLowerCase(Locale.ROOT));
            case COMMIT -> COMMIT.matcher(value).matches();
            case WORD -> value.chars().noneMatch(Character::isWhitespace);
            case TEXT -> true;
        };
    }

    /** A trial id in any of the forms files use (12, 012, exp_012, exp-12, #12, 12.0); null otherwise. */
    static Integer id(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = ID.matcher(value.strip());
        return m.matches() ? Integer.valueOf(m.group(1)) : null;
    }

    static Double number(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return NUMBER.matcher(v).matches() ? Double.valueOf(v) : null;
    }

    static Instant timestamp(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException notIso) {
            try {
                return LocalDateTime.parse(v.replace('T', ' '), SPACED).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notSpaced) {
                return null;
            }
        }
    }

    /** a - b on the numbers as written (0.993200 - 0.997900 is -0.0047, not -0.0047000000000000375). */
    private static Double difference(String a, String b) {
        return new java.math.BigDecimal(a.strip()).subtract(new java.math.BigDecimal(b.strip())).doubleValue();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
