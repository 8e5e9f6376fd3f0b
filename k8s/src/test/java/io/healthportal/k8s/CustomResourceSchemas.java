package io.healthportal.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Validates documents whose kinds fabric8 does not model (the operators' custom resources and
 * kustomize's own files) against JSON Schemas kept in {@code k8s/schemas/}, one per kind, named
 * {@code <group>_<version>_<Kind>.json}.
 */
final class CustomResourceSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path schemaDir;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    CustomResourceSchemas(Path schemaDir) {
        this.schemaDir = schemaDir;
    }

    static String schemaFileName(ManifestDocument document) {
        return document.apiVersion().replace('/', '_') + "_" + document.kind() + ".json";
    }

    Optional<Path> schemaFile(ManifestDocument document) {
        Path file = schemaDir.resolve(schemaFileName(document));
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** The schema's complaints about the document, empty when it conforms. */
    List<String> violations(ManifestDocument document) {
        Path file = schemaFile(document)
                .orElseThrow(() -> new IllegalArgumentException(
                        document + ": no schema " + schemaDir.resolve(schemaFileName(document))));
        Schema schema = registry.getSchema(readJson(file));
        List<Error> errors = schema.validate(document.tree());
        return errors.stream()
                .map(error -> document + " " + error.getInstanceLocation() + ": " + error.getMessage())
                .toList();
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + file, e);
        }
    }
}
