package dev.empiric.trial;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A trial as one node of its campaign's tree: where it sits, who proposed it, how it ended. Written
 * as a JSON array ({@code [number, parent, specialist, state, label, score, deltaVsBest]}) rather than
 * an object: a whole campaign's tree is one response, and at 100,000 trials the repeated keys alone
 * would be most of its bytes. Hypotheses are left out for the same reason and fetched for the few
 * nodes a page shows ({@link Trials#heads}).
 */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
@JsonPropertyOrder({"number", "parent", "specialist", "state", "label", "score", "deltaVsBest"})
public record TrialNode(int number, Integer parent, String specialist, TrialState state, Label label, Double score,
        Double deltaVsBest) {}
