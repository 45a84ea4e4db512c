package dev.empiric.campaign;

import dev.empiric.DomainException;

/** The campaign exists but takes no more trials or runners: its baseline failed, or it was imported. */
public final class CampaignClosed extends DomainException {

    public CampaignClosed(Campaign campaign) {
        super(Kind.CONFLICT, "campaign " + campaign.id + " is " + campaign.status + " and takes no trials"
                + (campaign.status == CampaignStatus.IMPORTED ? " or runners: it is a read-only record of a run"
                        + " imported from " + campaign.environment + ", which has no environment to run on this server"
                        : ""));
    }
}
