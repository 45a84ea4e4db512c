package dev.empiric.trial;

import dev.empiric.Sha256;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every seed the server chooses, in one place: the environment's own seed set (every trial and the
 * incumbent are scored on it), the shifted sets the baseline is repeated on to measure the noise, and
 * the fresh sets a confirmation runs on. Confirmation seeds are derived from the campaign, the trial,
 * the incumbent and the round, so a re-run after a restart uses the same ones and nothing an agent
 * sends can choose them; they never coincide with the environment's seeds or the baseline's repeats,
 * so a confirmation is evidence the trial has not already been selected on.
 */
public final class SeedSets {

    /** The baseline's repeat r runs on every environment seed shifted by r times this. */
    public static final int BASELINE_REPEAT_STRIDE = 1000;

    private SeedSets() {}

    /** The seeds of the baseline's repeat {@code repeat}; repeat 0 is the environment's own set. */
    public static List<Integer> baselineRepeat(List<Integer> seeds, int repeat) {
        return seeds.stream().map(seed -> seed + repeat * BASELINE_REPEAT_STRIDE).toList();
    }

    /**
     * The seed set of confirmation round {@code round} (from 1) of trial {@code trial} against
     * {@code incumbent}: as many seeds as the environment's set, each in [0, 2^31), none of them an
     * environment seed, a seed of the baseline's repeats, or a seed of this confirmation's earlier rounds.
     */
    public static List<Integer> confirmation(long campaignId, int trial, int incumbent, int round, List<Integer> seeds,
            int baselineRepeats) {
        Set<Integer> taken = new HashSet<>();
        for (int repeat = 0; repeat < Math.max(1, baselineRepeats); repeat++) {
            taken.addAll(baselineRepeat(seeds, repeat));
        }
        List<Integer> chosen = List.of();
        for (int r = 1; r <= round; r++) {
            chosen = new ArrayList<>();
            for (int index = 0; index < seeds.size(); index++) {
                int seed = derive(campaignId, trial, incumbent, r, index, taken);
                taken.add(seed);
                chosen.add(seed);
            }
        }
        return List.copyOf(chosen);
    }

    private static int derive(long campaignId, int trial, int incumbent, int round, int index, Set<Integer> taken) {
        for (int attempt = 0;; attempt++) {
            String hash = Sha256.hex("empiric confirmation seed|" + campaignId + "|" + trial + "|" + incumbent + "|"
                    + round + "|" + index + "|" + attempt);
            int seed = (int) (Long.parseLong(hash.substring(0, 8), 16) & 0x7fffffffL);
            if (!taken.contains(seed)) {
                return seed;
            }
        }
    }
}
