package dev.empiric.runner;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One call to an LLM and the tokens it cost, as the provider reported them (response usage). The
 * campaign's token budget is checked against the sum of these rows, so the count survives restarts
 * and an audit can see every call.
 */
@Entity
@Table(name = "llm_call")
public class LlmCall extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "campaign_id", nullable = false)
    public Long campaignId;

    public String specialist;

    @Column(name = "prompt_tokens")
    public int promptTokens;

    @Column(name = "completion_tokens")
    public int completionTokens;

    @Column(name = "called_at")
    public Instant calledAt;

    /** Prompt plus completion tokens of every call in the campaign. */
    public static long spent(long campaignId) {
        Long sum = getEntityManager().createQuery(
                "select sum(c.promptTokens + c.completionTokens) from LlmCall c where c.campaignId = :campaign", Long.class)
                .setParameter("campaign", campaignId).getSingleResult();
        return sum == null ? 0 : sum;
    }

    static void record(long campaignId, String specialist, int promptTokens, int completionTokens) {
        LlmCall call = new LlmCall();
        call.campaignId = campaignId;
        call.specialist = specialist;
        call.promptTokens = promptTokens;
        call.completionTokens = completionTokens;
        call.calledAt = Instant.now();
        call.persist();
    }
}
