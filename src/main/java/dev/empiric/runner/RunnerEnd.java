package dev.empiric.runner;

/** Why a runner is no longer running. */
public enum RunnerEnd {
    MAX_TRIALS("the trial budget (maxTrials) is spent"),
    DEADLINE("the deadline passed"),
    NO_KEEP("maxTrialsWithoutKeep trials in a row were not kept"),
    NOTHING_NEW("no specialist has anything new to propose"),
    TOKEN_BUDGET("the campaign's LLM token budget (settings.tokenBudget) is spent"),
    CAMPAIGN_FAILED("the campaign failed: its baseline could not be measured"),
    ENVIRONMENT_UNAVAILABLE("the campaign's environment is missing or broken on this server"),
    FAILING("its turns kept failing (see the runner's failures and the server log)"),
    STOPPED("stopped through the API");

    private final String meaning;

    RunnerEnd(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
