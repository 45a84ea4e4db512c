package dev.empiric.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class StraySightingsTest {

    @Test
    void onlyWhatTwoSweepsInARowFindStrayIsRemoved() {
        StraySightings sightings = new StraySightings();
        assertEquals(Set.of(), sightings.confirmed(List.of("c1", "c2", "v1")), "a first sighting removes nothing");
        // c2 went (its removal finished), c3 and v2 appeared (an attempt starting, say)
        assertEquals(Set.of("c1", "v1"), sightings.confirmed(List.of("c1", "c3", "v1", "v2")));
        // c3 became busy (it is not listed as stray any more); v2 stayed stray
        assertEquals(Set.of("v2"), sightings.confirmed(List.of("v2")));
        assertEquals(Set.of(), sightings.confirmed(List.of("c3")), "a container seen stray, then busy, then"
                + " stray again counts from its new sighting");
    }
}
