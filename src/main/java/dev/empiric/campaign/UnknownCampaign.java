package dev.empiric.campaign;

import dev.empiric.DomainException;

public final class UnknownCampaign extends DomainException {

    public UnknownCampaign(long id) {
        super(Kind.NOT_FOUND, "no campaign with id " + id);
    }
}
