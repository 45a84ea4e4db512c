package dev.empiric.access;

import dev.empiric.EmpiricConfig;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The server's admin token: it may do every write, including opening campaigns and issuing their
 * tokens. It is made at the first start and kept in {@code <data dir>/admin-token} (mode 0600), where
 * the operator, the demo and the scripts read it; the log shows it once, when it is made. Only its
 * hash stays in memory. Deleting the file makes the next start issue a new one.
 */
@Startup
@Singleton
public class AdminToken {

    static final String FILE = "admin-token";
    private static final Logger LOG = Logger.getLogger(AdminToken.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private String secretHash;

    AdminToken(EmpiricConfig config) {
        this.file = config.dataDir().resolve(FILE);
    }

    @PostConstruct
    void load() {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                create();
            }
            String token = Files.readString(file).strip();
            TokenSecrets.Presented presented = TokenSecrets.parse(token).filter(TokenSecrets.Presented::admin)
                    .orElseThrow(() -> new IllegalStateException(file + " does not hold an admin token; delete it and"
                            + " restart the server to have a new one made"));
            if (Files.getFileStore(file).supportsFileAttributeView("posix")
                    && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                LOG.warnf("%s was readable by others; its mode is now 0600", file);
            }
            secretHash = TokenSecrets.hash(presented.secret());
            LOG.infof("admin token: in %s", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token at " + file, e);
        }
    }

    /** Writes a new token to a file that nobody but the owner can ever read, and shows it this once. */
    private void create() throws IOException {
        String token = TokenSecrets.token(TokenSecrets.ADMIN, TokenSecrets.newSecret());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            return; // another instance on the same data directory made it first: use theirs
        }
        Files.writeString(file, token + "\n");
        LOG.infof("created the admin API token (shown only now; kept in %s, mode 0600): %s", file, token);
    }

    /** Whether the secret is the admin token's; constant-time in where it differs. */
    boolean matches(String secret) {
        return TokenSecrets.matches(secret, secretHash);
    }
}
