package dev.empiric.lineage;

import dev.empiric.DomainException;
import dev.empiric.campaign.Campaign;

/**
 * The campaign's environment is missing or broken on this server, so nothing about its task can be
 * shown and nothing can be proposed for it. A runner that meets this ends instead of retrying.
 */
public final class EnvironmentUnavailable extends DomainException {

    public EnvironmentUnavailable(Campaign campaign) {
        super(Kind.CONFLICT, "campaign " + campaign.id + " uses environment '" + campaign.environment
                + "', which is missing or broken on this server (GET /api/environments says why)");
    }
}
