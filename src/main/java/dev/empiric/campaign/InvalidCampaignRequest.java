package dev.empiric.campaign;

import dev.empiric.DomainException;
import java.util.List;

/** A campaign request or its settings are malformed; the message lists every problem. */
public final class InvalidCampaignRequest extends DomainException {

    public InvalidCampaignRequest(List<String> problems) {
        super(Kind.INVALID, String.join("; ", problems));
    }

    public InvalidCampaignRequest(Kind kind, String problem) {
        super(kind, problem);
    }
}
