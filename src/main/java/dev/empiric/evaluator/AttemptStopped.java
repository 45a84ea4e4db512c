package dev.empiric.evaluator;

/**
 * The attempt was stopped while it ran (its trial was cancelled, or another server took it over):
 * its next container was refused, or killed as it started. Nothing is recorded for such an attempt;
 * whoever stopped it owns the trial's outcome.
 */
public class AttemptStopped extends RuntimeException {

    AttemptStopped(String message) {
        super(message, null, false, false); // an expected end of an attempt, not an error to trace
    }
}
