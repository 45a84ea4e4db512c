package dev.empiric.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.empiric.environment.EnvironmentSpec.Goal;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paper's run files ({@code results.tsv}, {@code tree.tsv}, {@code best.json},
 * {@code LEADERBOARD.md}, {@code KNOWLEDGE.md}) regenerated from the exported records. They are a
 * pure function of {@code trials.jsonl} and the checkpoint's campaign, and {@code verify.py} holds
 * the same function and compares byte for byte: a view can never be kinder than the records.
 *
 * <p>Records are {@link #add added} in number order. The views that need the whole history (the
 * tree, the leaderboard, the chain to the best, recent activity) keep a skeleton of each record
 * (number, parent, score, kept, finishing time: about 30 bytes) and load only the rows they print
 * through a {@link RecordLoader}, so the records themselves are never all in memory.
 *
 * <p>Every text rule here (whitespace flattening, cutting by code points, TSV quoting, number
 * format) has a twin in verify.py; change both or neither.
 */
final class PaperViews {

    static final int LEADERBOARD_SIZE = 20;
    static final int RECENT_SIZE = 30;
    /** tree.tsv paths show at most this many ancestors, so a degenerate deep chain stays linear in size. */
    static final int PATH_ELEMENTS = 64;
    private static final String GENERATED = "*Regenerated from trials.jsonl by Empiric; verify.py recomputes it and compares.*\n";
    private static final int NO_PARENT = Integer.MIN_VALUE;
    private static final long NOT_FINISHED = Long.MIN_VALUE;

    /** Loads the full record at a skeleton index (index order is number order). */
    interface RecordLoader {
        ExportRecord load(int index) throws IOException;
    }

    /** Loads the {@link #treeTail} of the record at a skeleton index. */
    interface TailLoader {
        String load(int index) throws IOException;
    }

    private final ExportCampaign campaign;
    private int size;
    private int[] numbers = new int[256];
    private int[] parents = new int[256];
    private double[] scores = new double[256];
    private boolean[] kept = new boolean[256];
    private long[] finished = new long[256];
    private final Map<String, Integer> statusCounts = new TreeMap<>();

    PaperViews(ExportCampaign campaign) {
        this.campaign = campaign;
    }

    void add(ExportRecord record) {
        if (size > 0 && record.number() <= numbers[size - 1]) {
            throw new IllegalArgumentException("records must come in ascending number: trial " + record.number()
                    + " after trial " + numbers[size - 1]);
        }
        if (size == numbers.length) {
            int grown = size * 2;
            numbers = Arrays.copyOf(numbers, grown);
            parents = Arrays.copyOf(parents, grown);
            scores = Arrays.copyOf(scores, grown);
            kept = Arrays.copyOf(kept, grown);
            finished = Arrays.copyOf(finished, grown);
        }
        numbers[size] = record.number();
        parents[size] = record.parent() == null ? NO_PARENT : record.parent();
        scores[size] = record.score() == null ? Double.NaN : record.score();
        kept[size] = record.kept();
        Instant at = record.timings().finishedAt();
        finished[size] = at == null ? NOT_FINISHED : ChronoUnit.MICROS.between(Instant.EPOCH, at);
        statusCounts.merge(record.status(), 1, Integer::sum);
        size++;
    }

    // ---------------------------------------------------------------- results.tsv

    String resultsHeader() {
        return String.join("\t", "exp_id", "timestamp", "specialist", "parent_exp", "baseline_exp", "domain",
                "hypothesis", "expected_delta", "status", tsv(campaign.metric()), "score_std", "delta_vs_best",
                "artifact_bytes", "train_s", "eval_s", "total_s", "attempts", "commit", "metrics", "notes") + "\n";
    }

    /** One row per record, in the paper's column order; the specialist stands in for its domain. */
    String resultsRow(ExportRecord r) {
        ExportRecord.Timings t = r.timings();
        Double total = t.startedAt() == null || t.finishedAt() == null ? null
                : ChronoUnit.MICROS.between(t.startedAt(), t.finishedAt()) / 1_000_000.0;
        return String.join("\t", exp(r.number()), time(t.finishedAt()), tsv(r.specialist()), exp(r.parent()),
                exp(r.judgement().incumbent()), tsv(r.specialist()), tsv(r.hypothesis()), num(r.expectedDelta()),
                r.status(), num(r.score()), num(r.scoreStd()), delta(r),
                r.artifactBytes() == null ? "" : r.artifactBytes().toString(), num(t.recipeSeconds()),
                num(t.scoringSeconds()), num(total), Integer.toString(r.attempts()), tsv(r.commit()),
                r.metrics().isEmpty() ? "" : tsv(CanonicalJson.string(r.metrics())), tsv(r.reason())) + "\n";
    }

    // ---------------------------------------------------------------- tree.tsv

    /**
     * A record's tree.tsv columns after its place in the tree (specialist, status, score, delta,
     * hypothesis): written down while the records stream past, so the tree needs no record again.
     */
    String treeTail(ExportRecord r) {
        return String.join("\t", tsv(r.specialist()), r.status(), num(r.score()), delta(r), tsv(r.hypothesis()));
    }

    /** Every record once, in preorder from the roots (no parent, or a parent not exported), siblings by number. */
    void writeTree(TailLoader loader, Writer out) throws IOException {
        out.write(String.join("\t", "exp_id", "parent_exp", "depth", "path", "specialist", "status",
                tsv(campaign.metric()), "delta_vs_best", "hypothesis") + "\n");
        int[] firstChild = new int[size];
        int[] nextSibling = new int[size];
        int[] lastChild = new int[size];
        Arrays.fill(firstChild, -1);
        Arrays.fill(nextSibling, -1);
        boolean[] isChild = new boolean[size];
        for (int i = 0; i < size; i++) {
            int p = indexOf(parents[i]);
            if (p >= 0) {
                isChild[i] = true;
                if (firstChild[p] < 0) {
                    firstChild[p] = i;
                } else {
                    nextSibling[lastChild[p]] = i;
                }
                lastChild[p] = i;
            }
        }
        boolean[] visited = new boolean[size];
        int[] stack = new int[size * 2];
        // Roots first; then whatever a parent cycle kept out of reach, so that no record is left out.
        for (int pass = 0; pass < 2; pass++) {
            for (int root = 0; root < size; root++) {
                if (!visited[root] && (pass == 1 || !isChild[root])) {
                    preorder(root, firstChild, nextSibling, visited, stack, loader, out);
                }
            }
        }
    }

    private void preorder(int root, int[] firstChild, int[] nextSibling, boolean[] visited, int[] stack,
            TailLoader loader, Writer out) throws IOException {
        List<String> ids = new ArrayList<>();   // the exp_ids from the root to the node
        List<String> paths = new ArrayList<>(); // paths.get(d): the path of the node at depth d, while short
        int top = 0;
        stack[top++] = root;
        stack[top++] = 0;
        visited[root] = true;
        while (top > 0) {
            int depth = stack[--top];
            int node = stack[--top];
            while (ids.size() > depth) {
                ids.removeLast();
                paths.removeLast();
            }
            String id = exp(numbers[node]);
            ids.add(id);
            paths.add(depth == 0 ? id : depth < PATH_ELEMENTS ? paths.get(depth - 1) + "/" + id
                    : ".../" + String.join("/", ids.subList(ids.size() - PATH_ELEMENTS, ids.size())));
            out.write(String.join("\t", id, parents[node] == NO_PARENT ? "" : exp(parents[node]),
                    Integer.toString(depth), paths.getLast(), loader.load(node)) + "\n");
            List<Integer> children = new ArrayList<>();
            for (int c = firstChild[node]; c >= 0; c = nextSibling[c]) {
                if (!visited[c]) {
                    visited[c] = true;
                    children.add(c);
                }
            }
            for (int i = children.size() - 1; i >= 0; i--) {
                stack[top++] = children.get(i);
                stack[top++] = depth + 1;
            }
        }
    }

    // ---------------------------------------------------------------- best.json, LEADERBOARD.md, KNOWLEDGE.md

    String bestJson(RecordLoader loader) throws IOException {
        int best = best();
        ObjectNode json = CanonicalJson.object();
        if (best >= 0) {
            ExportRecord r = loader.load(best);
            json.put("exp_id", exp(r.number()));
            json.put("specialist", r.specialist());
            json.put("hypothesis", r.hypothesis());
            json.put("metric", campaign.metric());
            json.put("score", r.score());
            String delta = delta(r);
            json.put("delta_vs_prev", delta.isEmpty() ? null : Double.valueOf(delta));
            json.put("timestamp", r.timings().finishedAt() == null ? null : CanonicalJson.timestamp(r.timings().finishedAt()));
            json.put("commit", r.commit());
            json.put("tree", r.tree());
        }
        return CanonicalJson.string(json) + "\n";
    }

    String leaderboard(RecordLoader loader) throws IOException {
        StringBuilder md = new StringBuilder("# Leaderboard\n").append(GENERATED).append("\n## Current Best\n");
        int best = best();
        String metric = cell(campaign.metric(), 100);
        if (best < 0) {
            md.append("- none: no trial has been kept yet\n");
        } else {
            ExportRecord r = loader.load(best);
            md.append("- **exp_id**: ").append(exp(r.number())).append('\n')
                    .append("- **").append(metric).append("**: ").append(num(r.score())).append('\n')
                    .append("- **specialist**: ").append(cell(r.specialist(), 100)).append('\n')
                    .append("- **hypothesis**: ").append(cell(r.hypothesis(), 120)).append('\n')
                    .append("- **commit**: ").append(r.commit() == null ? "none" : r.commit()).append('\n');
        }
        md.append("\n## Top ").append(LEADERBOARD_SIZE).append(" Kept Trials\n\n")
                .append("| exp | ").append(metric).append(" | Δ | specialist | hypothesis |\n")
                .append("|-----|---------|---|------------|------------|\n");
        List<Integer> keptIndices = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (kept[i]) {
                keptIndices.add(i);
            }
        }
        keptIndices.sort(betterFirst());
        for (int i : keptIndices.subList(0, Math.min(LEADERBOARD_SIZE, keptIndices.size()))) {
            ExportRecord r = loader.load(i);
            md.append("| ").append(exp(r.number())).append(" | ").append(num(r.score())).append(" | ")
                    .append(delta(r)).append(" | ").append(cell(r.specialist(), 100)).append(" | ")
                    .append(cell(r.hypothesis(), 100)).append(" |\n");
        }
        return md.toString();
    }

    /**
     * A kept record's line in KNOWLEDGE.md's current-best lineage, without the indent and the best
     * mark: written down while the records stream past, as {@link #treeTail}, since the chain can be
     * long and would otherwise be read back record by record.
     */
    String lineageEntry(ExportRecord r) {
        String delta = delta(r);
        return "exp_" + exp(r.number()) + " [" + flat(r.specialist()) + ", " + r.status() + ", "
                + flat(campaign.metric()) + '=' + num(r.score()) + (delta.isEmpty() ? "" : ", Δ=" + delta) + "] "
                + cut(flat(r.hypothesis()), 120);
    }

    /** @param lineage the {@link #lineageEntry} of the kept record at a skeleton index */
    String knowledge(RecordLoader loader, TailLoader lineage) throws IOException {
        StringBuilder md = new StringBuilder("# Research Knowledge Base\n").append(GENERATED)
                .append("\n## Research Tree\nThe full tree is `tree.tsv` (preorder, siblings adjacent; columns: exp_id,"
                        + " parent_exp, depth, path, specialist, status, ")
                .append(cell(campaign.metric(), 100)).append(", delta_vs_best, hypothesis).\n\n");
        List<Integer> chain = chainToBest();
        if (chain.isEmpty()) {
            md.append("**Current-best lineage**: none yet\n");
        } else {
            md.append("**Current-best lineage** (root → best):\n\n");
            for (int k = 0; k < chain.size(); k++) {
                md.append(k == 0 ? "    " : "     └─ ").append(lineage.load(chain.get(k)))
                        .append(k == chain.size() - 1 ? " ← BEST" : "").append('\n');
            }
        }
        md.append("\n## Recent Activity (last ").append(RECENT_SIZE).append(")\n\n")
                .append("| exp | specialist | status | ").append(cell(campaign.metric(), 100)).append(" | hypothesis |\n")
                .append("|-----|------------|--------|---------|------------|\n");
        List<Integer> recent = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (finished[i] != NOT_FINISHED) {
                recent.add(i);
            }
        }
        recent.sort(Comparator.<Integer>comparingLong(i -> finished[i]).thenComparingInt(i -> numbers[i]).reversed());
        for (int i : recent.subList(0, Math.min(RECENT_SIZE, recent.size()))) {
            ExportRecord r = loader.load(i);
            md.append("| ").append(exp(r.number())).append(" | ").append(cell(r.specialist(), 100)).append(" | ")
                    .append(r.status()).append(" | ").append(num(r.score())).append(" | ")
                    .append(cell(r.hypothesis(), 80)).append(" |\n");
        }
        md.append("\n## Outcomes\n\n| status | trials |\n|--------|--------|\n");
        statusCounts.forEach((status, count) -> md.append("| ").append(status).append(" | ").append(count).append(" |\n"));
        return md.toString();
    }

    /** The best kept trial in the goal's direction, the earliest on ties; -1 if none. */
    int best() {
        int best = -1;
        Comparator<Integer> better = betterFirst();
        for (int i = 0; i < size; i++) {
            if (kept[i] && (best < 0 || better.compare(i, best) < 0)) {
                best = i;
            }
        }
        return best;
    }

    /** The kept trials on the parent path from the baseline to the best, baseline first (as the lineage view). */
    List<Integer> chainToBest() {
        List<Integer> chain = new ArrayList<>();
        boolean[] seen = new boolean[size];
        for (int i = best(); i >= 0 && !seen[i]; i = indexOf(parents[i])) {
            seen[i] = true;
            if (kept[i]) {
                chain.addFirst(i);
            }
        }
        return chain;
    }

    private Comparator<Integer> betterFirst() {
        Comparator<Integer> byScore = Comparator.comparingDouble(i -> scores[i]);
        return (campaign.goal() == Goal.MAXIMIZE ? byScore.reversed() : byScore).thenComparingInt(i -> numbers[i]);
    }

    private int indexOf(int number) {
        if (number == NO_PARENT) {
            return -1;
        }
        int found = Arrays.binarySearch(numbers, 0, size, number);
        return found >= 0 ? found : -1;
    }

    // ---------------------------------------------------------------- text rules shared with verify.py

    /** The paper's exp_id: the trial number, zero-padded to three digits. */
    static String exp(Integer number) {
        if (number == null) {
            return "";
        }
        String digits = Integer.toString(number); // trial numbers are never negative
        return digits.length() >= 3 ? digits : "000".substring(digits.length()) + digits;
    }

    /**
     * The paper's delta_vs_best: score minus the incumbent's score, as the exact decimal difference
     * of the two printed numbers (0.97 - 0.95 is 0.02 here, where doubles give 0.020000000000000018).
     */
    static String delta(ExportRecord r) {
        Double incumbent = r.judgement().incumbentScore();
        if (r.score() == null || incumbent == null) {
            return "";
        }
        return new BigDecimal(num(r.score())).subtract(new BigDecimal(num(incumbent))).stripTrailingZeros()
                .toPlainString();
    }

    static String num(Double value) {
        return value == null ? "" : CanonicalJson.number(value);
    }

    static String time(Instant instant) {
        return instant == null ? "" : CanonicalJson.timestamp(instant);
    }

    /** A TSV field, quoted as Python's csv module does when it holds a tab, line break or quote. */
    static String tsv(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf('\t') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('"') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /** Runs of ASCII whitespace become one space; none at either end. */
    static String flat(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean pendingSpace = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B') {
                pendingSpace = true;
            } else {
                if (pendingSpace && !out.isEmpty()) {
                    out.append(' ');
                }
                pendingSpace = false;
                out.append(c);
            }
        }
        return out.toString();
    }

    /** At most {@code max} code points, then "..." if anything was cut. */
    static String cut(String value, int max) {
        if (value.codePointCount(0, value.length()) <= max) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, max)) + "...";
    }

    /** A Markdown table cell: one line, cut, pipes escaped, and no HTML a renderer could run. */
    static String cell(String value, int max) {
        return cut(flat(value), max).replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|");
    }
}
