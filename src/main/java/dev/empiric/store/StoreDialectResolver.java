package dev.empiric.store;

import org.hibernate.dialect.Dialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolver;

/**
 * Gives Hibernate the dialect of the store configured at startup ({@code EMPIRIC_DB}). Quarkus
 * describes the database to Hibernate as the build-time kind (H2) and Hibernate resolves the dialect
 * from that description when the server starts; resolvers found through {@code META-INF/services}
 * are asked first, so this one decides. {@link StoreCheck} later confirms that the dialect chosen
 * here is the one the running configuration asks for.
 */
public class StoreDialectResolver implements DialectResolver {

    private static volatile StoreKind chosen;

    @Override
    public Dialect resolveDialect(DialectResolutionInfo info) {
        StoreKind kind;
        try {
            kind = StoreKind.configured();
        } catch (RuntimeException unknownKind) {
            // Reported in one line by StoreCheck; an exception here would end in a stack trace.
            return null;
        }
        chosen = kind;
        return kind.dialect(info);
    }

    /** The kind whose dialect Hibernate was given, or null before Hibernate asked. */
    static StoreKind chosen() {
        return chosen;
    }
}
