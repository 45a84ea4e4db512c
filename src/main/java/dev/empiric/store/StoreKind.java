package dev.empiric.store;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;

/**
 * The databases Empiric keeps its state in, chosen when the server starts ({@code EMPIRIC_DB}).
 *
 * <p>Quarkus fixes a datasource's kind, and with it the JDBC driver and Hibernate's dialect, when the
 * jar is built. Empiric's jar is built once for H2 and switches at startup instead: {@link
 * StoreDriver} opens whichever URL it is given, {@link StoreDialectResolver} hands Hibernate the
 * dialect of the configured kind, and {@link StoreCheck} refuses a kind, URL or database that does
 * not fit before anything is migrated. See docs/configuration.md.
 */
public enum StoreKind {
    H2("h2", "jdbc:h2:"),
    POSTGRESQL("postgresql", "jdbc:postgresql:");

    /** The configuration key behind {@code EMPIRIC_DB}. */
    static final String KIND_KEY = "empiric.db";
    static final String URL_KEY = "quarkus.datasource.jdbc.url";

    private final String configName;
    private final String urlPrefix;

    StoreKind(String configName, String urlPrefix) {
        this.configName = configName;
        this.urlPrefix = urlPrefix;
    }

    public String configName() {
        return configName;
    }

    /** The kind a user named, or a one-line startup error listing the kinds there are. */
    public static StoreKind named(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(kind -> kind.configName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new ConfigurationException("EMPIRIC_DB=" + name + " is not a store Empiric knows; use "
                        + Arrays.stream(values()).map(StoreKind::configName).collect(Collectors.joining(" or "))));
    }

    /** The kind whose driver opens this JDBC URL, if any. */
    public static Optional<StoreKind> ofUrl(String jdbcUrl) {
        return Arrays.stream(values()).filter(kind -> jdbcUrl.startsWith(kind.urlPrefix)).findFirst();
    }

    /**
     * The kind configured for this server. Read through MicroProfile Config rather than injected
     * because Hibernate asks for its dialect during static initialisation, before CDI exists.
     */
    public static StoreKind configured() {
        return named(ConfigProvider.getConfig().getOptionalValue(KIND_KEY, String.class).orElse(H2.configName));
    }

    /** Refuses a URL another kind's driver would open: the dialect would not match the database. */
    public void requireUrl(String jdbcUrl) {
        if (!jdbcUrl.startsWith(urlPrefix)) {
            throw new ConfigurationException("EMPIRIC_DB=" + configName + " needs EMPIRIC_JDBC_URL=" + urlPrefix
                    + "..., not " + jdbcUrl);
        }
    }

    Dialect dialect(DialectResolutionInfo info) {
        return switch (this) {
            // The build-time description of the database is H2's, the kind the jar is built for.
            case H2 -> new H2Dialect(info);
            // Hibernate's oldest supported PostgreSQL: the dialect cannot ask the server its version here.
            case POSTGRESQL -> new PostgreSQLDialect();
        };
    }
}
