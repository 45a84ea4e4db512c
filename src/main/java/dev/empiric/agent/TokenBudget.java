package dev.empiric.agent;

/**
 * The port through which an LLM specialist accounts for the tokens it spends, without knowing where
 * the ledger lives. The runner provides it (backed by the campaign's durable ledger, so the count
 * survives restarts); tests and tools can provide their own.
 */
public interface TokenBudget {

    /** Whether the campaign's budget is spent; no call may be made then. */
    boolean spent();

    /** Records one call's usage as the provider reported it. */
    void record(String specialist, int promptTokens, int completionTokens);

    /** No budget and no ledger: for specialists that make no LLM calls, or for callers with no campaign. */
    TokenBudget UNLIMITED = new TokenBudget() {
        @Override
        public boolean spent() {
            return false;
        }

        @Override
        public void record(String specialist, int promptTokens, int completionTokens) {}
    };
}
