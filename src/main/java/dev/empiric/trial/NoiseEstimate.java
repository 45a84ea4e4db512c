package dev.empiric.trial;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.empiric.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * How much a recipe's score moves when nothing but the seed changes, estimated where it matters: at
 * the current incumbent. Noise is a property of the recipe being measured (the digits baseline at
 * 0.68 accuracy moves by 0.03 from seed to seed, a recipe at 0.95 by 0.005), so one number measured
 * on the baseline cannot serve a whole campaign.
 *
 * <p>Each incumbent, in the order they became the best, is a {@link Source}: its scores on every seed
 * set it ran on (the baseline's repeats; a kept trial's own seed set and its confirmation sets; and
 * every set it ran on as the incumbent of a later confirmation). The estimate pools the sample
 * variances of the sources newest first, each weighted by its degrees of freedom (sets - 1), until the
 * pooled degrees of freedom reach the target (the baseline's: {@code baseline_repeats - 1}, at least
 * 1). The newest source with two sets or more counts in full; an older one lends only the degrees of
 * freedom still missing. So an incumbent measured on enough seed sets stands on its own numbers, and
 * one kept on few sets borrows just enough from its predecessors, whose recipes may be far noisier,
 * until its own runs accumulate.
 *
 * @param standardDeviation the pooled estimate; null while no source has two seed sets
 * @param degreesOfFreedom what the estimate rests on: the target, or less when the sources have less
 * @param from the sources the estimate pooled, newest first
 */
public record NoiseEstimate(Double standardDeviation, double degreesOfFreedom, int targetDegreesOfFreedom,
        List<Contribution> from) {

    /** At most this many seed sets are kept per source (the newest), so the record stays small. */
    static final int MAX_SETS_PER_SOURCE = 64;

    private static final TypeReference<List<Source>> SOURCES = new TypeReference<>() {};

    /** The seed-set scores of one incumbent. */
    public record Source(int trial, List<SeedSetScore> seedSets) {

        public Source {
            seedSets = List.copyOf(seedSets);
        }

        int degreesOfFreedom() {
            return Math.max(0, seedSets.size() - 1);
        }

        /** Sample variance of the seed-set scores (n - 1); zero for fewer than two. */
        double variance() {
            if (seedSets.size() < 2) {
                return 0;
            }
            double mean = seedSets.stream().mapToDouble(SeedSetScore::score).average().orElseThrow();
            return seedSets.stream().mapToDouble(set -> (set.score() - mean) * (set.score() - mean)).sum()
                    / (seedSets.size() - 1);
        }

        /** With {@code more} added; a seed set already present is not counted twice (a re-run after a restart). */
        Source with(List<SeedSetScore> more) {
            List<SeedSetScore> all = new ArrayList<>(seedSets);
            for (SeedSetScore set : more) {
                if (all.stream().noneMatch(known -> known.seeds().equals(set.seeds()))) {
                    all.add(set);
                }
            }
            return new Source(trial, all.subList(Math.max(0, all.size() - MAX_SETS_PER_SOURCE), all.size()));
        }
    }

    /**
     * What one source added to the estimate.
     *
     * @param degreesOfFreedom how many of the estimate's degrees of freedom it lent (all of its own,
     *                         sets - 1, or the part still missing)
     */
    public record Contribution(int trial, int seedSets, double standardDeviation, double degreesOfFreedom) {}

    /** The estimate from {@code sources}, oldest first as stored. */
    public static NoiseEstimate pool(List<Source> sources, int targetDegreesOfFreedom) {
        int target = Math.max(1, targetDegreesOfFreedom);
        List<Contribution> from = new ArrayList<>();
        double weightedVariance = 0;
        double df = 0;
        for (int i = sources.size() - 1; i >= 0 && df < target; i--) {
            Source source = sources.get(i);
            if (source.degreesOfFreedom() == 0) {
                continue;
            }
            double lent = df == 0 ? source.degreesOfFreedom() : Math.min(source.degreesOfFreedom(), target - df);
            weightedVariance += lent * source.variance();
            df += lent;
            from.add(new Contribution(source.trial(), source.seedSets().size(), Math.sqrt(source.variance()), lent));
        }
        return new NoiseEstimate(df == 0 ? null : Math.sqrt(weightedVariance / df), df, target, from);
    }

    /** {@code sources} with {@code seedSets} added to the source of {@code trial}, a new newest source if it has none. */
    public static List<Source> add(List<Source> sources, int trial, List<SeedSetScore> seedSets) {
        List<Source> updated = new ArrayList<>(sources);
        for (int i = 0; i < updated.size(); i++) {
            if (updated.get(i).trial() == trial) {
                updated.set(i, updated.get(i).with(seedSets));
                return updated;
            }
        }
        updated.add(new Source(trial, List.of()).with(seedSets));
        return updated;
    }

    /** The sources as stored on the campaign (JSON); none when the column is empty. */
    public static List<Source> read(String json) {
        return json == null || json.isBlank() ? List.of() : Json.read(json, SOURCES);
    }

    public static String write(List<Source> sources) {
        return Json.write(sources);
    }
}
