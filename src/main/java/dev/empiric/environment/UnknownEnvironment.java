package dev.empiric.environment;

import dev.empiric.DomainException;

/** No usable environment has this name on this server (it may exist but be broken; see the catalog). */
public final class UnknownEnvironment extends DomainException {

    public UnknownEnvironment(String name, String known) {
        super(Kind.NOT_FOUND, "no usable environment named '" + name + "'; usable: " + known);
    }
}
