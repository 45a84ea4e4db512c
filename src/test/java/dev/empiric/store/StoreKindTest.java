package dev.empiric.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The store a user names, the URL it must come with, and the driver that opens either kind. */
@Tag("unit")
class StoreKindTest {

    @Test
    void kindsAreNamedAsUsersWriteThem() {
        assertEquals(StoreKind.H2, StoreKind.named("h2"));
        assertEquals(StoreKind.POSTGRESQL, StoreKind.named(" PostgreSQL "));
    }

    @Test
    void anUnknownKindIsOneLineNamingTheKindsThereAre() {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> StoreKind.named("mysql"));
        assertEquals("EMPIRIC_DB=mysql is not a store Empiric knows; use h2 or postgresql", refused.getMessage());
    }

    @Test
    void aUrlOfAnotherKindIsRefused() {
        StoreKind.POSTGRESQL.requireUrl("jdbc:postgresql://localhost:5432/empiric");
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> StoreKind.POSTGRESQL.requireUrl("jdbc:h2:file:/srv/trials/empiric"));
        assertEquals("EMPIRIC_DB=postgresql needs EMPIRIC_JDBC_URL=jdbc:postgresql:..., not jdbc:h2:file:/srv/trials/empiric",
                refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"));
    }

    @Test
    void theKindOfAUrlIsItsScheme() {
        assertEquals(Optional.of(StoreKind.H2), StoreKind.ofUrl("jdbc:h2:mem:x"));
        assertEquals(Optional.of(StoreKind.POSTGRESQL), StoreKind.ofUrl("jdbc:postgresql://db/empiric"));
        assertEquals(Optional.empty(), StoreKind.ofUrl("jdbc:mysql://db/empiric"));
    }

    @Test
    void theDriverOpensBothKindsAndLeavesOthersToTheirOwn() throws SQLException {
        StoreDriver driver = new StoreDriver();
        assertTrue(driver.acceptsURL("jdbc:h2:mem:store-kind-test"));
        assertTrue(driver.acceptsURL("jdbc:postgresql://localhost:5432/empiric"));
        assertFalse(driver.acceptsURL("jdbc:mysql://localhost/empiric"));
        // JDBC's contract for a URL a driver does not open: null, so DriverManager can ask the next one.
        assertNull(driver.connect("jdbc:mysql://localhost/empiric", new Properties()));
        try (Connection h2 = driver.connect("jdbc:h2:mem:store-kind-test", new Properties());
                ResultSet answer = h2.createStatement().executeQuery("SELECT 6 * 7")) {
            assertEquals("H2", h2.getMetaData().getDatabaseProductName());
            assertTrue(answer.next());
            assertEquals(42, answer.getInt(1));
        }
    }
}
