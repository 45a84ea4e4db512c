package dev.empiric.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs the test application on PostgreSQL when the build asks for it ({@code
 * -Dtest.store=postgresql}, which the {@code postgresql} Maven profile sets for the tests
 * tagged {@code store}); otherwise it does nothing and the tests run on H2. Each run gets a database
 * of its own, created here and dropped when the run ends, so no run sees another's rows. The server
 * is switched exactly as a user switches it, through {@code EMPIRIC_DB} and {@code EMPIRIC_JDBC_URL}.
 * The PostgreSQL server and its login role come from src/scripts/postgres.sh; {@code
 * test.postgresql.server}, {@code .user} and {@code .password} point elsewhere.
 */
// A test resource declared anywhere applies to every @QuarkusTest of the run.
@QuarkusTestResource(FreshPostgresStore.class)
public class FreshPostgresStore implements QuarkusTestResourceLifecycleManager {

    private static final String SERVER = System.getProperty("test.postgresql.server", "localhost:5432");
    private static final String USER = System.getProperty("test.postgresql.user", "empiric");
    private static final String PASSWORD = System.getProperty("test.postgresql.password", "empiric");

    private String database;

    @Override
    public Map<String, String> start() {
        if (!"postgresql".equals(System.getProperty("test.store"))) {
            return Map.of();
        }
        database = "empiric_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        // Names are made here from digits and letters only; identifiers cannot be bound as parameters.
        execute("CREATE DATABASE " + database);
        return Map.of(
                "EMPIRIC_DB", "postgresql",
                "EMPIRIC_JDBC_URL", url(database),
                "EMPIRIC_DB_USER", USER,
                "EMPIRIC_DB_PASSWORD", PASSWORD);
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + SERVER + "/" + database;
    }

    /** Runs one statement in the maintenance database every PostgreSQL cluster has. */
    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + " as " + USER + " refused `" + sql
                    + "` (run src/scripts/postgres.sh to set it up): " + e.getMessage(), e);
        }
    }
}
