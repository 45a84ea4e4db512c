package dev.empiric.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a server instance has on the Docker engine right now, as tests check it from outside. */
public final class Containers {

    private Containers() {}

    /** A client of the engine at {@code host} ({@code unix:///var/run/docker.sock} is the machine's). */
    public static DockerClient client(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host)
                .build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).build());
    }

    /** Ids of the instance's containers, running or not. */
    public static List<String> of(DockerClient docker, String instanceId) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("empiric.instance", instanceId))
                .exec().stream().map(Container::getId).toList();
    }

    /** Ids of the instance's containers of one trial, running or not. */
    public static List<String> ofTrial(DockerClient docker, String instanceId, long campaign, int number) {
        return ofTrial(docker, instanceId, campaign, number, true);
    }

    /**
     * Ids of the instance's running containers of one trial: a container is created while the step
     * before it runs (the recipe's during the preflight), so being there does not mean it runs.
     */
    public static List<String> runningOfTrial(DockerClient docker, String instanceId, long campaign, int number) {
        return ofTrial(docker, instanceId, campaign, number, false);
    }

    private static List<String> ofTrial(DockerClient docker, String instanceId, long campaign, int number,
            boolean showAll) {
        Map<String, String> labels = new HashMap<>(Map.of("empiric.instance", instanceId));
        labels.put("empiric.campaign", Long.toString(campaign));
        labels.put("empiric.trial", Integer.toString(number));
        return docker.listContainersCmd().withShowAll(showAll).withLabelFilter(labels).exec().stream()
                .map(Container::getId).toList();
    }

    /** Names of the instance's volumes. */
    public static List<String> volumes(DockerClient docker, String instanceId) {
        var volumes = docker.listVolumesCmd().withFilter("label", List.of("empiric.instance=" + instanceId)).exec()
                .getVolumes();
        return volumes == null ? List.of() : volumes.stream().map(volume -> volume.getName()).toList();
    }

    /**
     * Waits until the instance has neither containers nor volumes: a finished seed run's are removed
     * shortly after its outcome, off the evaluator's path.
     */
    public static void awaitNoneLeft(DockerClient docker, String instanceId, Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (!of(docker, instanceId).isEmpty() || !volumes(docker, instanceId).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("left after " + patience + ": containers " + of(docker, instanceId)
                        + ", volumes " + volumes(docker, instanceId));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
