package dev.empiric.export;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads the tab-separated result files other harnesses write, which in the wild are messy: quoted
 * fields (Python's csv quoting, with line breaks inside), tabs typed into free text, line breaks
 * nobody quoted, fields missing. A row is recovered only when exactly one reading of it fits the
 * columns' types; otherwise it is read by position and its problems are named, never dropped.
 */
final class LenientTsv {

    /** What a column may hold; every kind also accepts an empty field. */
    enum Kind {
        /** A trial id: 12, 012, exp_12, exp-12, #12, 12.0. */
        ID,
        TIMESTAMP,
        NUMBER,
        /** One of the format's statuses. */
        STATUS,
        /** A git commit id, 7 to 40 hex digits. */
        COMMIT,
        /** A name without whitespace (specialist, job name, path). */
        WORD,
        /** Free text; the only kind that may have swallowed a stray tab. */
        TEXT
    }

    record Column(String name, Kind kind) {}

    /**
     * One row as read: its fields by column, what had to be done (or could not be done) to read it,
     * and its fields as they stood in the file (kept with a flagged row, so nothing is lost).
     */
    record Row(int line, List<String> fields, List<String> recovered, List<String> problems, List<String> source) {

        Row(int line, List<String> fields, List<String> recovered, List<String> problems) {
            this(line, fields, recovered, problems, fields);
        }

        Row with(List<String> aligned, List<String> recovered, List<String> problems) {
            return new Row(line, aligned, recovered, problems, source);
        }
    }

    /** Types the values of one kind; the format supplies the statuses it knows. */
    interface Types {
        boolean fits(Kind kind, String value);
    }

    private static final int MAX_MISSING = 4;
    private static final int MAX_EXTRA = 6;
    /** Readings enumerated before a row counts as unreadable by type. */
    private static final int MAX_READINGS = 64;

    private LenientTsv() {}

    /** Physical rows: fields split on tabs, quoted fields undone; a line number per row. */
    static List<Row> split(String text) {
        List<Row> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        int i = 0;
        int n = text.length();
        boolean atFieldStart = true;
        while (i < n) {
            char c = text.charAt(i);
            if (atFieldStart && c == '"') {
                int close = closingQuote(text, i + 1);
                if (close < 0) {
                    problems.add("a quote opened on line " + line + " is never closed; read as plain text");
                } else {
                    String quoted = text.substring(i + 1, close).replace("\"\"", "\"");
                    field.append(quoted);
                    line += count(quoted, '\n');
                    i = close + 1;
                    atFieldStart = false;
                    continue;
                }
            }
            atFieldStart = false;
            if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
                atFieldStart = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                addRow(rows, rowLine, fields, problems);
                fields = new ArrayList<>();
                problems = new ArrayList<>();
                field.setLength(0);
                line++;
                rowLine = line;
                atFieldStart = true;
            } else {
                field.append(c);
            }
            i++;
        }
        if (!field.isEmpty() || !fields.isEmpty()) {
            fields.add(field.toString());
            addRow(rows, rowLine, fields, problems);
        }
        return rows;
    }

    private static void addRow(List<Row> rows, int line, List<String> fields, List<String> problems) {
        boolean blank = fields.stream().allMatch(f -> f.isBlank());
        if (!blank) {
            rows.add(new Row(line, fields, new ArrayList<>(), problems));
        }
    }

    /**
     * The quote that closes a field opened before {@code from}: the first one that is not doubled.
     * Text after it up to the next tab belongs to the same field, as Python's csv reads it.
     */
    private static int closingQuote(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * A line that does not start a row and is shorter than a row is the rest of the row before it,
     * cut by a line break nobody quoted: it is joined back, the break kept inside the field.
     */
    static List<Row> rejoin(List<Row> rows, int width, Predicate<List<String>> startsRow) {
        List<Row> joined = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            List<String> fields = new ArrayList<>(row.fields());
            List<String> problems = new ArrayList<>(row.problems());
            int last = row.line();
            while (i + 1 < rows.size() && rows.get(i + 1).fields().size() < width
                    && !startsRow.test(rows.get(i + 1).fields())) {
                Row next = rows.get(++i);
                fields.set(fields.size() - 1, fields.getLast() + "\n" + next.fields().getFirst());
                fields.addAll(next.fields().subList(1, next.fields().size()));
                problems.addAll(next.problems());
                last = next.line();
            }
            List<String> recovered = new ArrayList<>();
            if (last != row.line()) {
                recovered.add("an unquoted line break split the row over lines " + row.line() + "-" + last
                        + "; rejoined");
            }
            joined.add(new Row(row.line(), fields, recovered, problems));
        }
        return joined;
    }

    /**
     * The row's fields lined up with the columns. Fields in the right number that fit their types are
     * taken as they are. A short row whose fields fit from the left is read with its last fields
     * empty (writers drop trailing empty fields, and files get cut); extra fields that fit when
     * joined into a free-text last column are a stray tab there. Otherwise every reading is tried in
     * which stray tabs belong to free-text columns (too many fields) or some columns are absent (too
     * few): a single distinct reading is a recovery. With none or several, the fields are taken by
     * position and every field that does not fit its column is a named problem.
     */
    static Row align(Row row, List<Column> columns, Types types) {
        List<String> fields = row.fields();
        int width = columns.size();
        int extra = fields.size() - width;
        List<String> recovered = new ArrayList<>(row.recovered());
        List<String> problems = new ArrayList<>(row.problems());
        List<String> positional = new ArrayList<>(fields.subList(0, Math.min(width, fields.size())));
        if (extra > 0) {
            positional.set(width - 1, String.join("\t", fields.subList(width - 1, fields.size())));
        }
        while (positional.size() < width) {
            positional.add("");
        }
        List<Integer> misfits = misfits(positional, columns, types);
        boolean textLast = columns.getLast().kind() == Kind.TEXT;
        if (misfits.isEmpty() && (extra <= 0 || textLast)) {
            if (extra < 0) {
                recovered.add(-extra + " trailing field" + (extra < -1 ? "s" : "") + " missing; read as empty");
            } else if (extra > 0) {
                recovered.add(plural(extra, "stray tab") + " inside " + columns.getLast().name() + "; rejoined");
            }
            return row.with(positional, recovered, problems);
        }
        Map<List<String>, List<String>> readings = new LinkedHashMap<>();
        if (extra > 0 && extra <= MAX_EXTRA || extra < 0 && -extra <= MAX_MISSING) {
            readings(fields, columns, types, 0, 0, Math.max(extra, 0), Math.max(-extra, 0), new ArrayList<>(),
                    new ArrayList<>(), readings);
        }
        if (readings.size() == 1) {
            Map.Entry<List<String>, List<String>> reading = readings.entrySet().iterator().next();
            recovered.add(extra > 0
                    ? plural(extra, "stray tab") + " inside " + String.join(" and ", reading.getValue()) + "; rejoined"
                    : "no " + String.join(", ", reading.getValue()) + " field; the others line up by type");
            return row.with(reading.getKey(), recovered, problems);
        }
        if (readings.size() > 1 && readings.size() < MAX_READINGS) {
            // What every reading agrees on is known; the rest stays empty rather than guessed.
            List<String> agreed = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (int c = 0; c < width; c++) {
                int column = c;
                Set<String> values = new HashSet<>();
                readings.keySet().forEach(reading -> values.add(reading.get(column)));
                agreed.add(values.size() == 1 ? values.iterator().next() : "");
                if (values.size() > 1) {
                    unknown.add(columns.get(c).name());
                }
            }
            problems.add(fields.size() + " fields for " + width + " columns, and they line up in " + readings.size()
                    + " ways that disagree on " + String.join(", ", unknown) + ": left empty");
            return row.with(agreed, recovered, problems);
        }
        if (extra != 0) {
            problems.add(fields.size() + " fields for " + width + " columns, and no single way of lining them up"
                    + " fits; read by position");
        }
        for (int c : misfits) {
            problems.add(misfit(columns.get(c), positional.get(c)));
        }
        return row.with(positional, recovered, problems);
    }

    /** How a field that does not fit its column is reported (a format may report its statuses itself). */
    static String misfit(Column column, String value) {
        return column.kind() == Kind.STATUS ? "unknown status '" + shorten(value) + "'"
                : column.name() + " '" + shorten(value) + "' is not a valid " + column.kind().name().toLowerCase(Locale.ROOT);
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count > 1 ? "s" : "");
    }

    /** Indices of the fields that do not fit their column. */
    static List<Integer> misfits(List<String> fields, List<Column> columns, Types types) {
        List<Integer> misfits = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            String value = fields.get(c).strip();
            if (!value.isEmpty() && !types.fits(columns.get(c).kind(), value)) {
                misfits.add(c);
            }
        }
        return misfits;
    }

    /**
     * Every distinct way of lining the fields up (stopping at two): each column takes one field that
     * fits it, or is absent (while fields are missing), or, if free text, also swallows stray tabs.
     * {@code how} names the absent or swallowing columns of the reading being built.
     */
    private static void readings(List<String> fields, List<Column> columns, Types types, int column, int field,
            int extra, int missing, List<String> reading, List<String> how, Map<List<String>, List<String>> readings) {
        if (readings.size() >= MAX_READINGS) {
            return;
        }
        if (column == columns.size()) {
            if (field == fields.size()) {
                readings.putIfAbsent(List.copyOf(reading), List.copyOf(how));
            }
            return;
        }
        Column c = columns.get(column);
        if (missing > 0) {
            reading.add("");
            how.add(c.name());
            readings(fields, columns, types, column + 1, field, extra, missing - 1, reading, how, readings);
            how.removeLast();
            reading.removeLast();
        }
        int most = c.kind() == Kind.TEXT ? extra : 0;
        for (int absorbed = 0; absorbed <= most && field + absorbed < fields.size(); absorbed++) {
            String value = String.join("\t", fields.subList(field, field + absorbed + 1));
            String stripped = value.strip();
            if (stripped.isEmpty() || types.fits(c.kind(), stripped)) {
                reading.add(value);
                if (absorbed > 0) {
                    how.add(c.name());
                }
                readings(fields, columns, types, column + 1, field + absorbed + 1, extra - absorbed, missing, reading,
                        how, readings);
                if (absorbed > 0) {
                    how.removeLast();
                }
                reading.removeLast();
            }
        }
    }

    static String shorten(String value) {
        String flat = value.replaceAll("\\s+", " ").strip();
        return flat.length() > 40 ? flat.substring(0, 37) + "..." : flat;
    }

    private static int count(String text, char c) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                count++;
            }
        }
        return count;
    }
}
