package dev.empiric.trial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The server's seeds: repeats shifted by a stride, confirmation sets fresh, fixed and disjoint. */
@Tag("unit")
class SeedSetsTest {

    @Test
    void baselineRepeatsShiftEverySeed() {
        assertEquals(List.of(0, 1, 2), SeedSets.baselineRepeat(List.of(0, 1, 2), 0));
        assertEquals(List.of(2000, 2001, 2002), SeedSets.baselineRepeat(List.of(0, 1, 2), 2));
    }

    @Test
    void confirmationSeedsAreTheSameOnEveryRunAndDependOnlyOnTheServersIds() {
        List<Integer> first = SeedSets.confirmation(7, 12, 3, 1, List.of(0, 1, 2), 2);
        assertEquals(first, SeedSets.confirmation(7, 12, 3, 1, List.of(0, 1, 2), 2), "a restart re-runs the same seeds");
        assertEquals(3, first.size());
        assertNotEquals(first, SeedSets.confirmation(7, 13, 3, 1, List.of(0, 1, 2), 2), "another trial");
        assertNotEquals(first, SeedSets.confirmation(7, 12, 5, 1, List.of(0, 1, 2), 2), "another incumbent");
        assertNotEquals(first, SeedSets.confirmation(8, 12, 3, 1, List.of(0, 1, 2), 2), "another campaign");
        assertTrue(first.stream().allMatch(seed -> seed >= 0));
    }

    @Test
    void confirmationSeedsNeverRepeatTheEnvironmentsTheBaselinesOrAnEarlierRoundsSeeds() {
        Set<Integer> seen = new HashSet<>(List.of(0, 1000, 2000));
        for (int round = 1; round <= 20; round++) {
            for (int seed : SeedSets.confirmation(1, 4, 1, round, List.of(0), 3)) {
                assertTrue(seen.add(seed), "seed " + seed + " of round " + round + " was used before");
            }
        }
    }
}
