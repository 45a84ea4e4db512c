package dev.empiric.export;

import dev.empiric.EmpiricConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The server's export signing key ({@link SigningKey}), kept in {@code <data>/keys} and loaded, or
 * made, at startup. Its public half is printed in the log when it is made, so the log holds it from
 * the first start on, and served at {@code GET /api/keys}; an auditor who noted it once checks every
 * later export of this server against it.
 */
@ApplicationScoped
public class ServerKey {

    private static final Logger LOG = Logger.getLogger(ServerKey.class);

    private final Path folder;
    private volatile SigningKey key;

    ServerKey(EmpiricConfig config) {
        this.folder = config.dataDir().resolve("keys");
    }

    void onStart(@Observes StartupEvent event) {
        SigningKey loaded = get();
        LOG.infof("export signing key %s (Ed25519 public key, base64: %s)%s", loaded.fingerprint(), loaded.publicKey(),
                loaded.created() ? "; made at this first start and kept in " + folder
                        + ": give the public key to anyone who will audit this server's exports" : "");
    }

    public SigningKey get() {
        SigningKey current = key;
        if (current == null) {
            synchronized (this) {
                if (key == null) {
                    key = SigningKey.loadOrCreate(folder);
                }
                current = key;
            }
        }
        return current;
    }
}
