package dev.empiric.campaign;

import dev.empiric.DomainException;

/** The campaign exists but takes no more trials or runners (its baseline failed). */
public final class CampaignClosed extends DomainException {

    public CampaignClosed(Campaign campaign) {
        super(Kind.CONFLICT, "campaign " + campaign.id + " is " + campaign.status + " and takes no trials");
    }
}
