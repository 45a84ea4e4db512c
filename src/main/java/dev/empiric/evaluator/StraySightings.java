package dev.empiric.evaluator;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which containers and volumes the stray sweep may remove: those that the sweep before found stray
 * as well. A sweep lists while trials start and end, so what it finds stray once may be an attempt
 * that was not yet counted as busy, or a removal already under way; neither is still stray a
 * heartbeat later. Something left behind for real is removed one heartbeat later than it could be.
 */
final class StraySightings {

    private Set<String> previous = Set.of();

    /** Of the containers and volumes found stray now (by id and name), those the last sweep found stray too. */
    synchronized Set<String> confirmed(List<String> strays) {
        Set<String> now = new HashSet<>(strays);
        Set<String> twice = new HashSet<>(now);
        twice.retainAll(previous);
        previous = now;
        return twice;
    }
}
