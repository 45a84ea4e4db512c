package dev.empiric.trial;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** The trial store must be writable, or no submission can be committed. */
@Readiness
@ApplicationScoped
public class GitStoreHealthCheck implements HealthCheck {

    private final GitTrialStore store;

    GitStoreHealthCheck(GitTrialStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("git-store").status(store.isHealthy())
                .withData("path", store.root().toString()).build();
    }
}
