package dev.empiric.store;

import dev.empiric.EmpiricConfig;
import io.quarkus.flyway.FlywayConfigurationCustomizer;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Refuses to start on a store that does not fit, in one line rather than a stack trace: an unknown
 * {@code EMPIRIC_DB}, a URL of another kind, or a database that does not answer (wrong host,
 * password or name). It runs as Flyway is configured because the migration at startup is the first
 * thing that touches the database, and a configuration error thrown there is what Quarkus reports
 * as a single line.
 */
@Singleton
public class StoreCheck implements FlywayConfigurationCustomizer {

    private static final Logger LOG = Logger.getLogger(StoreCheck.class);

    private final String kindName;
    private final String jdbcUrl;
    private final String user;

    StoreCheck(
            EmpiricConfig config,
            @ConfigProperty(name = StoreKind.URL_KEY) String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "") String user) {
        this.kindName = config.db();
        this.jdbcUrl = jdbcUrl;
        this.user = user;
    }

    @Override
    public void customize(FluentConfiguration flyway) {
        StoreKind kind = StoreKind.named(kindName);
        kind.requireUrl(jdbcUrl);
        if (StoreDialectResolver.chosen() != kind) {
            throw new ConfigurationException("Hibernate was given the " + StoreDialectResolver.chosen()
                    + " dialect at static initialisation but the store is " + kind.configName()
                    + "; set EMPIRIC_DB as an environment variable or -D option, where both phases read it");
        }
        try (Connection ignored = flyway.getDataSource().getConnection()) {
            LOG.infof("store: %s at %s", kind.configName(), jdbcUrl);
        } catch (SQLException e) {
            throw new ConfigurationException("cannot open the " + kind.configName() + " store at " + jdbcUrl
                    + (user.isEmpty() ? "" : " as " + user) + ": " + reason(e));
        }
    }

    /** The driver's first line, and what lies beneath it (an unknown host, a refused connection). */
    private static String reason(SQLException e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root == e ? message : message + " (" + root + ")";
    }
}
