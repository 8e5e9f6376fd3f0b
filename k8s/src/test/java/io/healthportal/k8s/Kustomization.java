package io.healthportal.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parts of a kustomization.yaml the tests follow: what it includes and what it patches. */
record Kustomization(Path dir, List<Path> resources, List<Path> patchFiles) {

    static boolean isKustomization(ManifestDocument document) {
        return "Kustomization".equals(document.kind());
    }

    static Kustomization of(ManifestDocument document) {
        Path dir = document.file().getParent();
        return new Kustomization(
                dir,
                paths(dir, document.tree().path("resources")),
                patchPaths(dir, document.tree().path("patches")));
    }

    private static List<Path> paths(Path dir, JsonNode entries) {
        List<Path> paths = new ArrayList<>();
        entries.forEach(entry -> paths.add(dir.resolve(entry.asText()).normalize()));
        return paths;
    }

    private static List<Path> patchPaths(Path dir, JsonNode patches) {
        List<Path> paths = new ArrayList<>();
        patches.forEach(patch -> {
            if (patch.hasNonNull("path")) {
                paths.add(dir.resolve(patch.path("path").asText()).normalize());
            }
        });
        return paths;
    }
}
