package dev.empiric;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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

    /**
     * This server's name among the servers that share a store: its containers carry it, and it owns
     * the leases of the trials it evaluates. Unset, a generated one is kept in the data directory,
     * which suits one server; servers sharing a data directory must each be given their own.
     */
    Optional<String> instanceId();

    Docker docker();

    Lease lease();

    Evaluator evaluator();

    Trial trial();

    Auth auth();

    interface Docker {
        String host();
    }

    /** How servers sharing a store learn that one of them stopped (docs/configuration.md, "Scale-out"). */
    interface Lease {
        /**
         * How long a server's claim on a running trial (or a runner's turns) lasts without renewal;
         * past it, any server takes the work over.
         */
        @WithDefault("30s")
        Duration duration();

        /** How often a server renews its leases and looks for expired ones (a few times per duration). */
        @WithDefault("5s")
        Duration heartbeat();
    }

    interface Evaluator {
        /** Trials evaluated at once. Each takes the CPUs its environment asks for; 0: this server evaluates nothing. */
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

        /** Queued trials a campaign may hold; a submission beyond it is refused with 429 and Retry-After. */
        @WithDefault("1000")
        int maxQueued();
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
