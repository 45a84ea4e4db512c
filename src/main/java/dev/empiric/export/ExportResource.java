package dev.empiric.export;

import dev.empiric.DomainException.Kind;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * A campaign's export over REST: the auditable zip (docs/audit.md), or its records as JSONL or CSV.
 * The export is written first (one snapshot under the campaign's lock), then streamed from a
 * temporary file that is deleted once sent.
 */
@Path("/api/campaigns/{id}/export")
public class ExportResource {

    private final CampaignExports exports;

    ExportResource(CampaignExports exports) {
        this.exports = exports;
    }

    @GET
    @Operation(summary = "Export a campaign: the auditable zip (records, event log, proposer views, logs, git bundle,"
            + " signed checkpoint, the paper's views, verify.py); format=jsonl or format=csv for the records alone")
    public Response export(@PathParam("id") long id, @QueryParam("format") String format) {
        CampaignExports.Format chosen = format(format);
        CampaignExports.Written written = exports.write(id, chosen);
        StreamingOutput body = out -> {
            try {
                Files.copy(written.file(), out);
            } finally {
                Files.deleteIfExists(written.file());
            }
        };
        Response.ResponseBuilder response = Response.ok(body, chosen.mediaType() + (chosen
                == CampaignExports.Format.ZIP ? "" : "; charset=UTF-8"))
                .header("Content-Disposition", "attachment; filename=\"" + written.fileName() + "\"")
                .header("Content-Length", size(written));
        if (written.summary() != null) {
            response.header("Empiric-Export-Records", written.summary().records())
                    .header("Empiric-Export-Events", written.summary().events())
                    .header("Empiric-Export-Merkle-Root", written.summary().merkleRoot())
                    .header("Empiric-Export-Key", written.summary().key())
                    .header("Empiric-Export-Reused-Files", written.summary().reusedFiles());
        }
        return response.build();
    }

    private static long size(CampaignExports.Written written) {
        try {
            return Files.size(written.file());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CampaignExports.Format format(String format) {
        if (format == null || format.isBlank()) {
            return CampaignExports.Format.ZIP;
        }
        try {
            return CampaignExports.Format.valueOf(format.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidImport(Kind.INVALID, "format must be zip, jsonl or csv, not '" + format + "'");
        }
    }
}
