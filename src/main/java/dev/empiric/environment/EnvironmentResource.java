package dev.empiric.environment;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/environments")
public class EnvironmentResource {

    private final EnvironmentCatalog catalog;

    EnvironmentResource(EnvironmentCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * An environment as agents and people see it: name, hash and full spec (every default filled),
     * or, for a broken one, no spec and the problems that keep it from being used.
     */
    public record EnvironmentView(String name, boolean usable, String contentHash, EnvironmentSpec spec,
            List<String> problems) {
        static EnvironmentView of(Environment environment) {
            return new EnvironmentView(environment.name(), true, environment.contentHash(), environment.spec(),
                    List.of());
        }

        static EnvironmentView of(EnvironmentCatalog.Broken broken) {
            return new EnvironmentView(broken.name(), false, null, null, broken.problems());
        }
    }

    @GET
    @Operation(summary = "Every environment: usable ones with their spec, broken ones with their problems")
    public List<EnvironmentView> list() {
        return Stream.concat(catalog.all().stream().map(EnvironmentView::of),
                catalog.broken().stream().map(EnvironmentView::of)).toList();
    }

    @GET
    @Path("/{name}")
    public EnvironmentView get(@PathParam("name") String name) {
        return catalog.find(name).map(EnvironmentView::of)
                .or(() -> catalog.broken().stream().filter(b -> b.name().equals(name)).findFirst().map(EnvironmentView::of))
                .orElseThrow(() -> unknown(name));
    }

    /** The environment's README.md as its author wrote it: the task in prose, for people and for agents. */
    @GET
    @Path("/{name}/readme")
    @Produces("text/markdown;charset=UTF-8")
    @Operation(summary = "The environment's README.md (Markdown); 404 when it has none")
    public String readme(@PathParam("name") String name) {
        java.nio.file.Path readme = catalog.find(name).orElseThrow(() -> unknown(name)).dir().resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            throw new NoReadme(name);
        }
        try {
            return Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private UnknownEnvironment unknown(String name) {
        return new UnknownEnvironment(name, catalog.all().stream().map(Environment::name).toList().toString());
    }
}
