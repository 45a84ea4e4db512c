package dev.empiric.support;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;

/** What a server instance has on the Docker engine right now, as tests check it from outside. */
public final class Containers {

    private Containers() {}

    /** Ids of the instance's containers, running or not. */
    public static List<String> of(DockerClient docker, String instanceId) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("empiric.instance", instanceId))
                .exec().stream().map(Container::getId).toList();
    }

    /** Names of the instance's volumes. */
    public static List<String> volumes(DockerClient docker, String instanceId) {
        var volumes = docker.listVolumesCmd().withFilter("label", List.of("empiric.instance=" + instanceId)).exec()
                .getVolumes();
        return volumes == null ? List.of() : volumes.stream().map(volume -> volume.getName()).toList();
    }
}
