package dev.empiric.agent;

/**
 * A specialist tried to propose and could not (an LLM kept answering in an unusable form, a command
 * failed or ran past its limit). Unlike an empty proposal, this is worth recording with its reason:
 * the runner counts it as a failed proposal of the run, and it never becomes a trial, because no
 * edit exists for the evaluator to measure.
 */
public final class ProposalFailed extends RuntimeException {

    public ProposalFailed(String reason) {
        super(reason);
    }
}
