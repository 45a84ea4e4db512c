package dev.empiric.evaluator;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.empiric.EmpiricConfig;
import dev.empiric.environment.Environment;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Builds an environment's two images (targets {@code recipe} and {@code scorer} of its Dockerfile)
 * on first use. Tags carry the environment's content hash, so an edited environment gets new images
 * and a campaign's results always name the evaluator that produced them.
 */
@ApplicationScoped
public class EnvironmentImages {

    private static final Logger LOG = Logger.getLogger(EnvironmentImages.class);

    private final DockerClient docker;
    private final String baseImage;
    private final Map<String, Object> buildLocks = new ConcurrentHashMap<>();

    EnvironmentImages(DockerClient docker, EmpiricConfig config) {
        this.docker = docker;
        this.baseImage = config.baseImage();
    }

    public void ensure(Environment environment) {
        synchronized (buildLocks.computeIfAbsent(environment.name(), name -> new Object())) {
            build(environment, "recipe", environment.recipeImage());
            build(environment, "scorer", environment.scorerImage());
        }
    }

    private void build(Environment environment, String target, String tag) {
        if (exists(tag)) {
            return;
        }
        LOG.infof("building %s from %s (target %s)", tag, environment.dir(), target);
        long started = System.nanoTime();
        docker.buildImageCmd(environment.dir().toFile())
                .withTarget(target)
                .withTags(Set.of(tag))
                .withBuildArg("BASE", baseImage)
                .withPull(false)
                .withRemove(true)
                .withForcerm(true)
                .withLabels(Map.of("empiric.platform", "empiric", "empiric.environment", environment.name()))
                .exec(new BuildImageResultCallback())
                .awaitImageId(30, TimeUnit.MINUTES);
        LOG.infof("built %s in %.1f s", tag, (System.nanoTime() - started) / 1e9);
    }

    private boolean exists(String tag) {
        try {
            docker.inspectImageCmd(tag).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
