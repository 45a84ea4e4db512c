package dev.empiric.environment;

import dev.empiric.DomainException;

/** The environment exists but its author wrote no README.md. */
public final class NoReadme extends DomainException {

    public NoReadme(String name) {
        super(Kind.NOT_FOUND, "environment '" + name + "' has no README.md");
    }
}
