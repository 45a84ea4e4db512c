package dev.empiric.agent;

import java.util.Optional;

/**
 * A proposer of trials. The runner asks one specialist at a time for its next edit of the
 * campaign's best recipe; an empty answer means it has nothing new to try on this lineage state, and
 * costs no evaluator time. Built-in knob specialists, the combiner, and later LLM or command
 * specialists all implement this one method, so the runner never needs to know which kind it asks.
 */
public interface Specialist {

    /** Unique within a campaign; recorded on every trial the specialist proposes. */
    String name();

    Optional<Proposal> propose(ProposalContext context);
}
