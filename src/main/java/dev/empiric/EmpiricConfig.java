package dev.empiric;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Server settings under {@code empiric.*}; see docs/configuration.md for what each one is for. */
@ConfigMapping(prefix = "empiric")
public interface EmpiricConfig {

    /** Root of everything the server writes: database file, git repositories, logs, work trees. */
    Path dataDir();

    /** Folder holding one sub-folder per environment (spec, recipe, scorer, Dockerfile). */
    Path environmentsDir();

    /** Image that environment Dockerfiles build FROM (built offline by src/scripts/setup.sh). */
    String baseImage();

    /** The store, {@code h2} or {@code postgresql}, chosen at startup (see dev.empiric.store.StoreKind). */
    @WithDefault("h2")
    String db();

    Docker docker();

    Evaluator evaluator();

    Trial trial();

    Auth auth();

    interface Docker {
        String host();
    }

    interface Evaluator {
        /** Trials evaluated at once. Each takes the CPUs its environment asks for. */
        @WithDefault("1")
        int concurrency();

        /** Attempts for a trial whose evaluation failed for reasons outside the agent's control. */
        @WithDefault("3")
        int maxAttempts();

        /** Bytes of container output kept per run; the rest is dropped, never buffered. */
        @WithDefault("65536")
        int logTailBytes();
    }

    interface Trial {
        /** Largest diff accepted; larger bodies are refused with 413 before anything is written. */
        @WithDefault("1048576")
        int maxDiffBytes();
    }

    interface Auth {
        /** Whether reading the API needs a token too; writing always does (docs/api.md). */
        @WithDefault("public")
        ReadAccess read();
    }

    /** Who may read: anyone who reaches the server, or only holders of a valid API token. */
    enum ReadAccess {
        PUBLIC,
        TOKEN
    }
}
