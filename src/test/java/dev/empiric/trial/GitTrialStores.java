package dev.empiric.trial;

import dev.empiric.EmpiricConfig;
import java.nio.file.Path;

/** The server's own git store outside Quarkus, for tests that need real trial commits without a server. */
public final class GitTrialStores {

    private GitTrialStores() {}

    public static GitTrialStore inDataDir(Path dataDir) {
        return new GitTrialStore(new EmpiricConfig() {
            @Override
            public Path dataDir() {
                return dataDir;
            }

            @Override
            public String db() {
                throw new UnsupportedOperationException("a bare git store opens no database");
            }

            @Override
            public Path environmentsDir() {
                throw new UnsupportedOperationException("a bare git store has no environments");
            }

            @Override
            public String baseImage() {
                throw new UnsupportedOperationException("a bare git store builds no images");
            }

            @Override
            public Docker docker() {
                throw new UnsupportedOperationException("a bare git store runs no containers");
            }

            @Override
            public Evaluator evaluator() {
                throw new UnsupportedOperationException("a bare git store evaluates nothing");
            }

            @Override
            public Trial trial() {
                throw new UnsupportedOperationException("a bare git store takes no submissions");
            }

            @Override
            public java.util.Optional<String> instanceId() {
                return java.util.Optional.empty();
            }

            @Override
            public Lease lease() {
                throw new UnsupportedOperationException("a bare git store holds no leases");
            }

            @Override
            public Auth auth() {
                throw new UnsupportedOperationException("a bare git store checks no tokens");
            }
        });
    }

    public static void close(GitTrialStore store) {
        store.close();
    }
}
