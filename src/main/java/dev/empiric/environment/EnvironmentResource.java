package dev.empiric.environment;

import dev.empiric.web.ApiException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;

@Path("/api/environments")
public class EnvironmentResource {

    private final EnvironmentCatalog catalog;

    EnvironmentResource(EnvironmentCatalog catalog) {
        this.catalog = catalog;
    }

    /** The environment's name, hash and full spec: everything an agent needs to plan an edit. */
    public record EnvironmentView(String name, String contentHash, EnvironmentSpec spec) {
        static EnvironmentView of(Environment environment) {
            return new EnvironmentView(environment.name(), environment.contentHash(), environment.spec());
        }
    }

    @GET
    public List<EnvironmentView> list() {
        return catalog.all().stream().map(EnvironmentView::of).toList();
    }

    @GET
    @Path("/{name}")
    public EnvironmentView get(@PathParam("name") String name) {
        return catalog.find(name).map(EnvironmentView::of)
                .orElseThrow(() -> ApiException.notFound("no environment named '" + name + "'"));
    }
}
