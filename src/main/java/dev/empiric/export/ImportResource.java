package dev.empiric.export;

import dev.empiric.Caller;
import dev.empiric.DomainException.Kind;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Imports of other harnesses' results files: the file as the raw body, or as the {@code file} part of
 * a multipart form. Answers 201 with the new campaign and the importer's report (rows read, imported,
 * and every row that was repaired or flagged, with why).
 */
@Path("/api/imports")
public class ImportResource {

    private final ImportService imports;
    private final Caller caller;

    ImportResource(ImportService imports, Caller caller) {
        this.imports = imports;
        this.caller = caller;
    }

    @POST
    @Consumes({"text/tab-separated-values", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Import a results.tsv sent as the body: format=auto-research-recipes or format=autoresearch;"
            + " name= names the campaign")
    public Response importRaw(@QueryParam("format") String format, @QueryParam("name") String name, byte[] file,
            @Context UriInfo uri) {
        return created(imports.importRun(format, name, file, caller.adminActor()), uri);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Import a results.tsv sent as the 'file' part of a form, with 'format' (and 'name') fields")
    public Response importForm(@RestForm String format, @RestForm String name, @RestForm("file") FileUpload file,
            @Context UriInfo uri) {
        if (file == null) {
            throw new InvalidImport(Kind.INVALID, "the form needs a 'file' part holding the results file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return created(imports.importRun(format, name, bytes, caller.adminActor()), uri);
    }

    private static Response created(ImportService.Imported imported, UriInfo uri) {
        return Response.created(uri.getBaseUriBuilder().path("api/campaigns").path(Long.toString(imported.campaignId()))
                .build()).entity(imported).build();
    }
}
