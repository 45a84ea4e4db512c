package dev.empiric.export;

import dev.empiric.ChangesNothing;
import dev.empiric.DomainException.Kind;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.io.InputStream;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The checks of verify.py run by the server ({@link Verifier}) on an export zip sent to it: a
 * convenience for clients that want the verdict without Python. An auditor who does not trust the
 * server still runs verify.py, which shares no code with it.
 */
@Path("/api/verify")
public class VerifyResource {

    /**
     * The verdict: {@code failures} empty means verified; the first failure is the headline.
     *
     * @param key the fingerprint of the key the checkpoint was checked against
     * @param report the report as verify.py prints it
     */
    public record Verification(boolean verified, String campaign, String key, List<String> failures,
            List<String> summary, String report) {}

    private final ServerKey serverKey;

    VerifyResource(ServerKey serverKey) {
        this.serverKey = serverKey;
    }

    @POST
    @ChangesNothing // anyone may ask for a verdict, like any read
    @Consumes({"application/zip", "application/octet-stream"})
    @Operation(summary = "Verify an export zip as verify.py does; against this server's key unless key= names"
            + " another (base64 Ed25519 public key)")
    public Verification verify(@QueryParam("key") String key, InputStream zip) {
        String publicKey = key == null || key.isBlank() ? serverKey.get().publicKey() : key.strip();
        String fingerprint;
        try {
            fingerprint = SigningKey.fingerprint(publicKey);
        } catch (IllegalArgumentException e) {
            throw new InvalidImport(Kind.INVALID, "key: " + e.getMessage());
        }
        try (UploadedExport upload = UploadedExport.unpack(zip)) {
            Verifier.Result result;
            try {
                result = Verifier.verify(upload.folder, publicKey);
            } catch (IllegalArgumentException e) {
                throw new InvalidImport(Kind.UNPROCESSABLE, "the zip holds no export: " + e.getMessage());
            }
            return new Verification(result.verified(), result.campaign(), fingerprint, result.failures(),
                    result.summary(), result.report());
        }
    }
}
