package dev.empiric.environment;

import dev.empiric.web.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** An environment's README.md as its author wrote it: the task in prose, for people and for agents. */
@jakarta.ws.rs.Path("/api/environments/{name}/readme")
public class EnvironmentReadmeResource {

    private final EnvironmentCatalog catalog;

    EnvironmentReadmeResource(EnvironmentCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Produces("text/markdown;charset=UTF-8")
    @Operation(summary = "The environment's README.md (Markdown); 404 when it has none")
    public String readme(@PathParam("name") String name) {
        Environment environment = catalog.find(name)
                .orElseThrow(() -> ApiException.notFound("no environment named '" + name + "'"));
        Path readme = environment.dir().resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            throw ApiException.notFound("environment '" + name + "' has no README.md");
        }
        try {
            return Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
