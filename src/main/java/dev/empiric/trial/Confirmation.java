package dev.empiric.trial;

import dev.empiric.Json;
import dev.empiric.environment.EnvironmentSpec.Goal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The confirmation of a trial that beat the incumbent on the environment's seeds: both recipes run
 * again on fresh seed sets chosen by the server, paired (the same seeds for both), until the gain is
 * shown or the budget of seed sets is spent. It exists because a score on one seed set cannot tell a
 * real gain from a lucky seed, and a threshold fixed at the baseline's noise blocks real progress near
 * a campaign's ceiling, where recipes move far less from seed to seed.
 *
 * <p>The gain on the environment's seeds only decides whether to confirm: the test uses
 * the fresh sets alone, because a trial is confirmed precisely when its first score looked good, and
 * counting that score again would count the luck that selected it. The rules, in order, after every
 * round:
 * <ol>
 * <li>the candidate failing on a fresh set (a crash, a timeout, a gate missed) ends it: not confirmed;
 * <li>a mean paired gain of zero or less so far ends it: no better than the incumbent on fresh seeds;
 * <li>the one-sided paired t-test of a mean gain above {@code min_delta} ({@link PairedTest})
 *     decides, at {@code alpha} once the budget is spent, or earlier at p &lt; 0.001 (Haybittle-Peto:
 *     an early stop must be overwhelming, so the overall false-confirmation rate stays about alpha).
 *     Gains that are all identical never stop it early: a metric in steps (accuracy on 597 images)
 *     gives equal gains by chance, and their zero spread is no evidence;
 * <li>before confirming, a candidate whose score is identical on every set while the incumbent's
 *     moves with the seed is refused: it ignores the server's seed (a fixed seed), so seeds cannot
 *     confirm it, and a fixed lucky seed is a seed change, which must never be kept.
 * </ol>
 * A gain beyond the keep threshold gets no shortcut: one fresh set cannot tell its spread, and judging
 * it against the noise estimate alone let a change that was no better on average (digits, 32 -> 64
 * hidden units: +0.015 on the environment's seed, +0.018 on one fresh set, -0.001 over eleven) pass.
 * Stored on the trial as JSON and shown over REST, in the lineage view and in the event log.
 *
 * @param attempt the trial's attempt this confirmation belongs to (a restart re-runs it)
 * @param candidateScore the trial's score on the environment's seeds
 * @param incumbentScore the incumbent's score on the environment's seeds
 * @param gain the candidate's gain over the incumbent there (positive is better)
 * @param threshold the keep threshold, max(min_delta, z x noise), when the confirmation started
 * @param seedSets the budget: at most this many fresh seed sets
 * @param outcome null while rounds are still to run
 * @param test the paired t-test over the rounds so far (null below two scored pairs)
 * @param summary the decision in a sentence, null while undecided
 */
public record Confirmation(int attempt, int incumbent, Tier tier, Goal goal, double candidateScore,
        double incumbentScore, double gain, double threshold, double minDelta, int seedSets, double alpha,
        List<ConfirmationRound> rounds, Outcome outcome, PairedTest test, String summary) {

    /** The p-value below which a confirmation may stop with success before its budget is spent. */
    public static final double EARLY_ALPHA = 0.001;

    /** Where the gain on the environment's seeds stood against the keep threshold when it was confirmed. */
    public enum Tier {
        /** Beyond the keep threshold: without confirmation it would have been kept at once. */
        BEYOND_NOISE,
        /** Above min_delta but within the threshold: without confirmation it would have been discarded. */
        WITHIN_NOISE
    }

    public enum Outcome {
        CONFIRMED,
        /** The gain did not hold on fresh seeds ("within noise"). */
        NOT_CONFIRMED,
        /** The candidate crashed, timed out or missed a gate on a fresh seed set. */
        CANDIDATE_FAILED,
        /** Stopped because another trial became the best meanwhile; the trial was judged again. */
        SUPERSEDED
    }

    public Confirmation {
        rounds = List.copyOf(rounds);
    }

    public static Confirmation start(int attempt, int incumbent, Tier tier, Goal goal, double candidateScore,
            double incumbentScore, double threshold, double minDelta, int seedSets, double alpha) {
        return new Confirmation(attempt, incumbent, tier, goal, candidateScore, incumbentScore,
                goal.improvement(candidateScore, incumbentScore), threshold, minDelta, seedSets, alpha, List.of(), null,
                null, null);
    }

    /** The confirmation stored on a trial, or null when it has none. */
    public static Confirmation read(String json) {
        return json == null || json.isBlank() ? null : Json.read(json, Confirmation.class);
    }

    public boolean decided() {
        return outcome != null;
    }

    /** The number the next round gets. */
    public int nextRound() {
        return rounds.size() + 1;
    }

    /** With {@code round} recorded, and decided if the rules say so. */
    public Confirmation record(ConfirmationRound round) {
        if (decided()) {
            throw new IllegalStateException("confirmation already ended " + outcome);
        }
        List<ConfirmationRound> all = new ArrayList<>(rounds);
        all.add(round);
        return decide(all);
    }

    /** Stopped after the rounds so far because {@code newBest} became the best meanwhile. */
    public Confirmation superseded(int newBest) {
        return decided(rounds, Outcome.SUPERSEDED, test, "stopped after " + sets(rounds.size()) + ": #" + newBest
                + " became the best meanwhile, so the trial was judged again against it");
    }

    /** The candidate's scores on the fresh sets: a kept trial's noise is estimated from them. */
    public List<SeedSetScore> candidateSeedSets() {
        return rounds.stream().filter(round -> round.candidate().hasScore())
                .map(round -> new SeedSetScore(round.seeds(), round.candidate().score())).toList();
    }

    /** What proposers are told in a word: "confirmed", "within noise", ... */
    public String verdict() {
        if (outcome == null) {
            return "confirming";
        }
        return switch (outcome) {
            case CONFIRMED -> "confirmed";
            case NOT_CONFIRMED -> "within noise";
            case CANDIDATE_FAILED -> "failed on fresh seeds";
            case SUPERSEDED -> "superseded";
        };
    }

    /** The label's reason: what triggered the confirmation and how it ended. */
    public String reason() {
        return trigger() + "; " + summary;
    }

    /** The start in a sentence, for the notes and the event log. */
    public String trigger() {
        return String.format(Locale.ROOT, "improves on the best (#%d) by %s on the environment's seeds, %s the noise"
                + " threshold %s", incumbent, number(gain), tier == Tier.BEYOND_NOISE ? "beyond" : "within",
                number(threshold));
    }

    /** One round's evidence for the trial's notes: seeds, both scores (per seed too when several), the gain. */
    public String roundNote(ConfirmationRound round) {
        return "confirmation round " + round.round() + " against #" + incumbent + ", seeds " + round.seeds()
                + ": candidate " + side(round.candidate()) + ", incumbent " + side(round.incumbent())
                + (round.gain(goal) == null ? "" : ", gain " + signed(round.gain(goal)));
    }

    private Confirmation decide(List<ConfirmationRound> all) {
        ConfirmationRound last = all.getLast();
        if (!last.candidate().hasScore()) {
            return decided(all, Outcome.CANDIDATE_FAILED, test, "not confirmed: on fresh seeds " + last.seeds()
                    + " the candidate ended " + last.candidate().failure() + " (" + last.candidate().note() + ")");
        }
        List<Double> gains = all.stream().map(round -> round.gain(goal)).filter(Objects::nonNull).toList();
        PairedTest paired = gains.size() >= 2 ? PairedTest.of(gains, minDelta) : null;
        double mean = gains.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (!gains.isEmpty() && mean <= 0) {
            return decided(all, Outcome.NOT_CONFIRMED, paired, "not confirmed: no better than the incumbent on fresh"
                    + " seeds, mean paired gain " + signed(mean) + " over " + sets(gains.size()) + " " + gains(gains));
        }
        boolean spent = all.size() >= seedSets;
        boolean overwhelming = paired != null && paired.standardDeviation() > 0
                && paired.pValue() < Math.min(EARLY_ALPHA, alpha);
        if (paired != null && (overwhelming || spent && paired.pValue() < alpha)) {
            if (ignoresTheSeed(all)) {
                return decided(all, Outcome.NOT_CONFIRMED, paired, String.format(Locale.ROOT, "not confirmed: the"
                        + " candidate scored exactly %s on all %d seed sets while the incumbent's score moved with the"
                        + " seed, so its result does not depend on the server's seed (a fixed seed) and seeds cannot"
                        + " confirm it", number(candidateScore), all.size() + 1));
            }
            return decided(all, Outcome.CONFIRMED, paired, "confirmed on " + sets(gains.size()) + ": mean paired gain "
                    + signed(paired.meanGain()) + " " + gains(gains) + "; " + describe(paired, true));
        }
        if (spent) {
            return decided(all, Outcome.NOT_CONFIRMED, paired, "not confirmed on " + sets(all.size())
                    + (gains.isEmpty() ? ": the incumbent scored on none of them"
                    : ": mean paired gain " + signed(mean) + " " + gains(gains)
                    + (paired == null ? "" : "; " + describe(paired, false))));
        }
        return new Confirmation(attempt, incumbent, tier, goal, candidateScore, incumbentScore, gain, threshold,
                minDelta, seedSets, alpha, all, null, paired, null);
    }

    private Confirmation decided(List<ConfirmationRound> all, Outcome ending, PairedTest paired, String sentence) {
        return new Confirmation(attempt, incumbent, tier, goal, candidateScore, incumbentScore, gain, threshold,
                minDelta, seedSets, alpha, all, ending, paired, sentence);
    }

    private boolean ignoresTheSeed(List<ConfirmationRound> all) {
        List<Double> candidate = new ArrayList<>(List.of(candidateScore));
        List<Double> incumbentScores = new ArrayList<>(List.of(incumbentScore));
        for (ConfirmationRound round : all) {
            if (round.candidate().hasScore() && round.incumbent().hasScore()) {
                candidate.add(round.candidate().score());
                incumbentScores.add(round.incumbent().score());
            }
        }
        return candidate.size() >= 3 && candidate.stream().distinct().count() == 1
                && incumbentScores.stream().distinct().count() > 1;
    }

    private String describe(PairedTest paired, boolean significant) {
        return String.format(Locale.ROOT, "one-sided paired t-test of a mean gain above min_delta %s: t = %s, df %d,"
                + " p = %s %s α %s", number(minDelta), number(paired.t()), paired.degreesOfFreedom(),
                number(paired.pValue()), significant ? "<" : "≥", number(alpha));
    }

    private static String side(ConfirmationRound.Side side) {
        if (!side.hasScore()) {
            return side.failure() + " (" + side.note() + ")";
        }
        return number(side.score()) + (side.perSeed().size() > 1 ? " " + side.perSeed().stream()
                .map(Confirmation::number).collect(Collectors.joining(", ", "[", "]")) : "");
    }

    private static String gains(List<Double> gains) {
        return gains.stream().map(Confirmation::signed).collect(Collectors.joining(", ", "(per set ", ")"));
    }

    private static String sets(int count) {
        return count + (count == 1 ? " fresh seed set" : " fresh seed sets");
    }

    private static String signed(double value) {
        return (value > 0 ? "+" : "") + number(value);
    }

    static String number(double value) {
        return Double.isInfinite(value) ? (value > 0 ? "∞" : "-∞") : String.format(Locale.ROOT, "%.4g", value);
    }
}
