package dev.empiric.runner;

import dev.empiric.agent.TokenBudget;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * A campaign's token budget backed by its durable ledger ({@link LlmCall} rows): every call is
 * recorded in its own transaction, so the count survives a restart mid-proposal, and the budget is
 * checked against the sum of the ledger, not against a counter in memory.
 */
final class LedgerTokenBudget implements TokenBudget {

    private final long campaignId;
    private final Long budget;

    LedgerTokenBudget(long campaignId, Long budget) {
        this.campaignId = campaignId;
        this.budget = budget;
    }

    @Override
    public boolean spent() {
        return budget != null && QuarkusTransaction.requiringNew().call(() -> LlmCall.spent(campaignId)) >= budget;
    }

    @Override
    public void record(String specialist, int promptTokens, int completionTokens) {
        QuarkusTransaction.requiringNew().run(() -> LlmCall.record(campaignId, specialist, promptTokens,
                completionTokens));
    }
}
