package dev.empiric.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Runs the test application on PostgreSQL when the build asks for it ({@code
 * -Dtest.store=postgresql}, which the {@code postgresql} Maven profile sets for the tests
 * tagged {@code store}); otherwise it does nothing and the tests run on H2. Each run gets a database
 * of its own ({@link PostgresDatabases}), created here and dropped when the run ends, so no run sees
 * another's rows. The server is switched exactly as a user switches it, through {@code EMPIRIC_DB}
 * and {@code EMPIRIC_JDBC_URL}.
 */
// A test resource declared anywhere applies to every @QuarkusTest of the run.
@QuarkusTestResource(FreshPostgresStore.class)
public class FreshPostgresStore implements QuarkusTestResourceLifecycleManager {

    private String database;

    @Override
    public Map<String, String> start() {
        if (!"postgresql".equals(System.getProperty("test.store"))) {
            return Map.of();
        }
        database = PostgresDatabases.create();
        return Map.of(
                "EMPIRIC_DB", "postgresql",
                "EMPIRIC_JDBC_URL", PostgresDatabases.url(database),
                "EMPIRIC_DB_USER", PostgresDatabases.USER,
                "EMPIRIC_DB_PASSWORD", PostgresDatabases.PASSWORD);
    }

    @Override
    public void stop() {
        if (database != null) {
            PostgresDatabases.drop(database);
        }
    }
}
