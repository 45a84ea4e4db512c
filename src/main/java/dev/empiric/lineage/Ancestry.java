package dev.empiric.lineage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The walk from a trial up its parents to the baseline: the one definition of "the chain to the
 * best" that the lineage view and the specialists share. It follows every parent, kept or not,
 * since an edit may build on a discarded trial; callers pick the trials they want from the path.
 */
final class Ancestry {

    private Ancestry() {}

    /** Trial numbers from the root to {@code from}, root first; a missing or repeated parent ends it. */
    static List<Integer> path(Integer from, IntFunction<Integer> parentOf) {
        List<Integer> path = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (Integer step = from; step != null && seen.add(step); step = parentOf.apply(step)) {
            path.add(step);
        }
        return path.reversed();
    }
}
