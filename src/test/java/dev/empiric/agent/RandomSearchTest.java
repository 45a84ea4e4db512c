package dev.empiric.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Random search, the yardstick of the benchmarks: every knob drawn independently within its range. */
@Tag("unit")
class RandomSearchTest {

    private final RandomSearch random = new RandomSearch(
            SyntheticHistory.SPEC.surfaces().values().stream().flatMap(java.util.List::stream).toList());

    @Test
    void randomSearchDrawsEveryKnobWithinItsRange() {
        SyntheticHistory lineage = new SyntheticHistory(0.9);
        Set<String> diffs = new HashSet<>();
        for (long seed = 0; seed < 30; seed++) {
            Proposal proposal = random.propose(lineage.context(seed)).orElseThrow();
            assertEquals(RandomSearch.NAME, proposal.specialist());
            diffs.add(proposal.diff());
            for (Map.Entry<String, String> edit : SyntheticHistory.edits(proposal).entrySet()) {
                Knob knob = SyntheticHistory.knob(edit.getKey());
                if ("choice".equals(knob.type())) {
                    assertTrue(knob.choices().stream().anyMatch(c -> edit.getValue().contains(c.toString())), edit.toString());
                } else {
                    double value = Double.parseDouble(edit.getValue());
                    assertTrue(value >= knob.min() && value <= knob.max(), edit + " outside " + knob);
                }
            }
        }
        assertTrue(diffs.size() >= 29, "independent draws rarely repeat: " + diffs.size());
    }
}
