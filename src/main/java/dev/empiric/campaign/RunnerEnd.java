package dev.empiric.campaign;

/** Why a runner is no longer running. */
public enum RunnerEnd {
    MAX_TRIALS("the trial budget (maxTrials) is spent"),
    DEADLINE("the deadline passed"),
    NO_KEEP("maxTrialsWithoutKeep trials in a row were not kept"),
    NOTHING_NEW("no specialist has anything new to propose"),
    TOKEN_BUDGET("the campaign's LLM token budget (settings.tokenBudget) is spent"),
    CAMPAIGN_FAILED("the campaign failed: its baseline could not be measured"),
    STOPPED("stopped through the API");

    private final String meaning;

    RunnerEnd(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
