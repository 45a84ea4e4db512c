package dev.empiric.export;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The public half of the key that signs this server's exports, as {@code verify.py --key} takes it. */
@Path("/api/keys")
public class KeyResource {

    /**
     * @param publicKey base64 of the 32 raw bytes of the Ed25519 public key
     * @param fingerprint the name each signed checkpoint gives its key
     */
    public record KeyView(String algorithm, String publicKey, String fingerprint, String use) {}

    private final ServerKey key;

    KeyResource(ServerKey key) {
        this.key = key;
    }

    @GET
    @Operation(summary = "The server's export signing key (Ed25519): give it to verify.py --key; note it once and"
            + " compare later, since an export cannot vouch for its own key")
    public KeyView get() {
        SigningKey signing = key.get();
        return new KeyView("Ed25519", signing.publicKey(), signing.fingerprint(),
                "signs the checkpoint of every export: python3 verify.py <export folder> --key " + signing.publicKey());
    }
}
