package dev.empiric.trial;

import dev.empiric.DomainException;

/** The trial was refused at submission, so there are no files to read and nothing to build on. */
public final class TrialHasNoCommit extends DomainException {

    public TrialHasNoCommit(Trial trial) {
        super(Kind.CONFLICT, "trial " + trial.number + " of campaign " + trial.campaignId + " was " + trial.label
                + " and has no commit");
    }
}
