package dev.empiric.trial;

/**
 * The closed taxonomy of trial outcomes (docs/labels.md). Each label says whose doing the outcome
 * was: the agent's edit, or the infrastructure. Infrastructure failures are retried and never shown
 * to agents as their fault.
 */
public enum Label {
    BASELINE("the campaign's starting recipe, measured"),
    KEEP("beat the incumbent by more than the noise threshold; the new best"),
    DISCARD("ran and scored, but did not beat the incumbent by more than the noise threshold"),
    INVALID_PATCH("the diff did not apply to its parent, or changed nothing"),
    ILLEGAL_EDIT("the diff touched a path it may not (outside the editable set, .git, a symlink, ..)"),
    PREFLIGHT_FAILED("the cheap check before the run failed (for example a syntax error)"),
    CRASH("the recipe exited with a non-zero status"),
    OOM("the recipe exceeded its memory limit and was killed"),
    RECIPE_TIMEOUT("the recipe ran past its wallclock budget and was killed"),
    SCORING_TIMEOUT("the scorer ran past its budget on the recipe's output"),
    SIZE_BLOCKED("the artifact (model, and code where counted) exceeded the size cap"),
    GATE_FAILED("a legality gate on a metric was missed (for example minimum accuracy)"),
    NO_SCORE("the scorer found no usable output to score"),
    INFRA_ERROR("the platform failed (Docker, disk); retried, never counted against the agent");

    private final String meaning;

    Label(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean isInfrastructure() {
        return this == INFRA_ERROR;
    }

    /** Whether the trial produced a comparable score (it may still have lost). */
    public boolean isScored() {
        return this == BASELINE || this == KEEP || this == DISCARD;
    }
}
