package dev.empiric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every spelling of the data directory reaches the server, and the H2 URL, as one absolute path. */
@Tag("unit")
class AbsoluteFoldersTest {

    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void relativeSpellingsBecomeOneAbsolutePath() {
        for (String spelling : new String[] {"trials", "./trials", "./x/../trials", CWD + "/trials"}) {
            SmallRyeConfig config = config(Map.of("empiric.data-dir", spelling,
                    "url", "jdbc:h2:file:${empiric.data-dir}/empiric"));
            assertEquals(CWD.resolve("trials").toString(), config.getRawValue("empiric.data-dir"), spelling);
            assertEquals("jdbc:h2:file:" + CWD.resolve("trials") + "/empiric", config.getValue("url", String.class), spelling);
        }
    }

    @Test
    void otherSettingsAreLeftAlone() {
        SmallRyeConfig config = config(Map.of("empiric.base-image", "./not/a/folder"));
        assertEquals("./not/a/folder", config.getRawValue("empiric.base-image"));
    }

    private static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new AbsoluteFolders())
                .withSources(new MapBackedConfigSource("test", values) {}).build();
    }
}
