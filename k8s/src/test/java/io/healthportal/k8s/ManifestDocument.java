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

    /**
     * The document without strategic-merge directives ({@code $patch}, on the object or on a list entry it
     * deletes by name), so that it can be parsed like any other object.
     */
    ManifestDocument withoutPatchDirectives() {
        JsonNode copy = tree.deepCopy();
        removePatchDirectives(copy);
        return new ManifestDocument(file, index, (ObjectNode) copy);
    }

    private static void removePatchDirectives(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("$patch");
        }
        node.forEach(ManifestDocument::removePatchDirectives);
    }

    @Override
    public String toString() {
        return file.getFileName() + "#" + index + " " + kind() + "/" + name();
    }
}
