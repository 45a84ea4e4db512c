package dev.empiric.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Throw-away PostgreSQL databases for tests, on the server src/scripts/postgres.sh sets up
 * ({@code localhost:5432}, role {@code empiric}); {@code test.postgresql.server}, {@code .user} and
 * {@code .password} point elsewhere. Each test run gets a database of its own and drops it after.
 */
public final class PostgresDatabases {

    public static final String SERVER = System.getProperty("test.postgresql.server", "localhost:5432");
    public static final String USER = System.getProperty("test.postgresql.user", "empiric");
    public static final String PASSWORD = System.getProperty("test.postgresql.password", "empiric");

    private PostgresDatabases() {}

    /** Creates a fresh, empty database and returns its name. */
    public static String create() {
        String database = "empiric_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
                + "_" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        // Names are made here from digits and letters only; identifiers cannot be bound as parameters.
        execute("CREATE DATABASE " + database);
        return database;
    }

    public static void drop(String database) {
        execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    public static String url(String database) {
        return "jdbc:postgresql://" + SERVER + "/" + database;
    }

    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), USER, PASSWORD);
    }

    /** Runs one statement in the maintenance database every PostgreSQL cluster has. */
    private static void execute(String sql) {
        try (Connection connection = connect("postgres"); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + SERVER + " as " + USER + " refused `" + sql
                    + "` (run src/scripts/postgres.sh to set it up): " + e.getMessage(), e);
        }
    }
}
