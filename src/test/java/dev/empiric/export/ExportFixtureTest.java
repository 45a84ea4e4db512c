package dev.empiric.export;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of exports of the one {@link ExportFixture} campaign, built once per test class (its git
 * repository takes a while). The writer's clock is fixed, so an export's bytes depend on what it
 * exports alone, and two exports can be compared byte for byte.
 */
abstract class ExportFixtureTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    static Path temp;

    static ExportFixture fixture;

    @BeforeAll
    static void buildFixture() {
        fixture = new ExportFixture(temp.resolve("campaign"));
    }

    @AfterAll
    static void closeFixture() {
        fixture.close();
    }

    /** A writer signing with the fixture's key, at the fixed instant. */
    static ExportWriter writer() {
        return new ExportWriter(fixture.key, CLOCK);
    }
}
