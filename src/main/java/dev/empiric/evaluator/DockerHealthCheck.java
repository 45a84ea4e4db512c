package dev.empiric.evaluator;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Without a Docker engine no trial can be evaluated, so the server is not ready. */
@Readiness
@ApplicationScoped
public class DockerHealthCheck implements HealthCheck {

    private final Sandbox sandbox;
    private final EvaluationQueue queue;

    DockerHealthCheck(Sandbox sandbox, EvaluationQueue queue) {
        this.sandbox = sandbox;
        this.queue = queue;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("docker").status(sandbox.ping()).withData("evaluating", queue.busy()).build();
    }
}
