package io.healthportal.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/** One YAML document of a manifest file, as a JSON tree, with where it came from. */
record ManifestDocument(Path file, int index, JsonNode tree) {

    String apiVersion() {
        return tree.path("apiVersion").asText("");
    }

    String kind() {
        return tree.path("kind").asText("");
    }

    String name() {
        return tree.path("metadata").path("name").asText("");
    }

    String namespace() {
        return tree.path("metadata").path("namespace").asText("");
    }

    /** A strategic-merge patch that deletes the object it names (kustomize's {@code $patch: delete}). */
    boolean isDeletePatch() {
        return "delete".equals(tree.path("$patch").asText(null));
    }

    /** The object a delete patch names, without the directive, so that it can be parsed like any other. */
    ManifestDocument withoutPatchDirective() {
        ObjectNode copy = tree.deepCopy();
        copy.remove("$patch");
        return new ManifestDocument(file, index, copy);
    }

    @Override
    public String toString() {
        return file.getFileName() + "#" + index + " " + kind() + "/" + name();
    }
}
