package dev.empiric.lineage;

import dev.empiric.trial.Label;
import dev.empiric.trial.TrialState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The analyst: a role that proposes nothing. Every {@link #EVERY} finished trials it reads the outcomes
 * and writes down what they teach: which knob moves paid, which did not, which failed and how, and what
 * was never tried. Its notes are pinned into the brief of every LLM and command specialist and served
 * with the campaign's knowledge.
 *
 * <p>It is rule-based and deterministic: the same history gives the same notes. So the notes need no
 * table of their own; they are regenerated from the append-only history at each checkpoint, and an
 * auditor can recompute exactly what a proposer was told. A move is a change of knob values between a
 * trial and its parent (edits outside the knobs are not attributed); a trial that moved several knobs
 * counts for each of them, which is why the notes give counts and means, not causes.
 */
public final class Analyst {

    /** The analyst writes after this many finished trials, and again after each further this many. */
    public static final int EVERY = 10;

    private Analyst() {}

    /**
     * What the analyst wrote at its last checkpoint.
     *
     * @param asOfTrials finished trials read (a multiple of {@link #EVERY}; 0 when it has not written yet)
     * @param paid       moves that were kept, or beat their parent on average
     * @param unpaid     moves measured at least twice that never kept and lost to their parent on average
     * @param failed     moves whose trials failed, with the labels and the values that failed
     * @param untried    knobs never moved
     */
    public record Notes(int asOfTrials, List<String> paid, List<String> unpaid, List<String> failed,
            List<String> untried) {

        public boolean isEmpty() {
            return asOfTrials == 0;
        }

        /** The notes as a Markdown section (level-2 heading), ready to pin into a brief. */
        public String markdown() {
            StringBuilder md = new StringBuilder("## The analyst's notes");
            if (isEmpty()) {
                return md.append("\nNone yet: the analyst writes after every ").append(EVERY)
                        .append(" finished trials.\n").toString();
            }
            md.append(" (after ").append(asOfTrials).append(" finished trials)\n");
            list(md, "What paid", paid);
            list(md, "What did not pay", unpaid);
            list(md, "What failed, and how", failed);
            list(md, "Never tried", untried);
            return md.toString();
        }

        private static void list(StringBuilder md, String title, List<String> lines) {
            md.append("\n### ").append(title).append('\n');
            if (lines.isEmpty()) {
                md.append("- nothing yet\n");
            }
            lines.forEach(line -> md.append("- ").append(line).append('\n'));
        }
    }

    /** The notes for {@code history} as of its last checkpoint; {@code knobs} names every knob of the task. */
    public static Notes notes(CampaignHistory history, List<String> knobs) {
        List<TrialRecord> finished = history.trials().stream().filter(t -> t.state() == TrialState.FINISHED)
                .toList();
        int asOf = finished.size() / EVERY * EVERY;
        Map<String, Move> moves = new LinkedHashMap<>();
        for (TrialRecord trial : finished.subList(0, asOf)) {
            TrialRecord parent = history.parentOf(trial).orElse(null);
            if (parent == null || trial.outcome() == Outcome.NOTHING || trial.knobs() == null || parent.knobs() == null) {
                continue;
            }
            for (String knob : knobs) {
                String from = parent.knobs().get(knob);
                String to = trial.knobs().get(knob);
                if (from != null && to != null && !from.equals(to)) {
                    moves.computeIfAbsent(knob + " " + direction(from, to), key -> new Move(knob, direction(from, to)))
                            .add(trial, to, history.improvementOverParent(trial).orElse(null));
                }
            }
        }
        List<Move> all = new ArrayList<>(moves.values());
        Comparator<Move> bestFirst = Comparator.comparingInt((Move m) -> -m.kept)
                .thenComparing(m -> -m.meanGain()).thenComparing(Move::name);
        List<String> paid = all.stream().filter(m -> m.kept > 0 || (m.gains.size() >= 2 && m.meanGain() > 0))
                .sorted(bestFirst).map(Move::scoredLine).toList();
        List<String> unpaid = all.stream().filter(m -> m.kept == 0 && m.gains.size() >= 2 && m.meanGain() <= 0)
                .sorted(bestFirst.reversed()).map(Move::scoredLine).toList();
        List<String> failed = all.stream().filter(m -> m.failed > 0)
                .sorted(Comparator.comparingInt((Move m) -> -m.failed).thenComparing(Move::name))
                .map(Move::failureLine).toList();
        TreeSet<String> moved = all.stream().map(m -> m.knob).collect(Collectors.toCollection(TreeSet::new));
        List<String> untried = asOf == 0 ? List.of() : knobs.stream().filter(k -> !moved.contains(k))
                .map(k -> "`" + k + "` was never changed").toList();
        return new Notes(asOf, paid, unpaid, failed, untried);
    }

    /** "raised" or "lowered" for numbers, "set to X" for anything else (a choice, an expression). */
    private static String direction(String from, String to) {
        try {
            return Double.parseDouble(to) > Double.parseDouble(from) ? "raised" : "lowered";
        } catch (NumberFormatException notANumber) {
            return "set to " + to;
        }
    }

    /** Every trial that made one move (a knob in one direction), and how they came out. */
    private static final class Move {
        final String knob;
        final String direction;
        int trials;
        int kept;
        int failed;
        final List<Double> gains = new ArrayList<>();
        final Map<Label, TreeSet<String>> failures = new EnumMap<>(Label.class);

        Move(String knob, String direction) {
            this.knob = knob;
            this.direction = direction;
        }

        void add(TrialRecord trial, String value, Double gain) {
            trials++;
            if (trial.label() == Label.KEEP) {
                kept++;
            }
            if (gain != null) {
                gains.add(gain);
            }
            if (trial.outcome() == Outcome.OVER_BUDGET || trial.outcome() == Outcome.BROKEN) {
                failed++;
                failures.computeIfAbsent(trial.label(), l -> new TreeSet<>()).add(value);
            }
        }

        String name() {
            return knob + " " + direction;
        }

        double meanGain() {
            return gains.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        String scoredLine() {
            String line = String.format(Locale.ROOT, "`%s` %s: %d %s, %d kept", knob, direction, trials,
                    trials == 1 ? "trial" : "trials", kept);
            if (!gains.isEmpty()) {
                double best = gains.stream().mapToDouble(Double::doubleValue).max().orElse(0);
                line += String.format(Locale.ROOT, "; against the parent %+.4g on average, best %+.4g (%d scored)",
                        meanGain(), best, gains.size());
            }
            return line;
        }

        String failureLine() {
            return String.format(Locale.ROOT, "`%s` %s: %d of %d trials failed: %s", knob, direction, failed,
                    trials, failures.entrySet().stream()
                            .map(e -> e.getKey() + " at " + e.getValue().stream().limit(4)
                                    .collect(Collectors.joining(", ")) + (e.getValue().size() > 4 ? ", ..." : ""))
                            .collect(Collectors.joining("; ")));
        }
    }
}
