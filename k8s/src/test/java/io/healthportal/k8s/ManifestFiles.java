package io.healthportal.k8s;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Finds the manifest files of the k8s module and reads every YAML document in them. */
final class ManifestFiles {

    /** Folders under k8s/ that hold no manifests: build output, the tests, the JSON Schemas. */
    private static final Set<String> NOT_MANIFESTS = Set.of("target", "src", "schemas");

    /** Duplicate keys are an error, not "last one wins" as in plain YAML loaders. */
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    private ManifestFiles() {}

    /** The k8s module's directory: Maven runs the tests there and says so in {@code basedir}. */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    static List<Path> yamlFiles(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> !NOT_MANIFESTS.contains(
                            root.relativize(path).getName(0).toString()))
                    .filter(path -> {
                        String name = path.getFileName().toString();
                        return name.endsWith(".yaml") || name.endsWith(".yml");
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ManifestDocument> documents(Path root) {
        List<ManifestDocument> documents = new ArrayList<>();
        for (Path file : yamlFiles(root)) {
            documents.addAll(read(file));
        }
        return documents;
    }

    static List<ManifestDocument> read(Path file) {
        try {
            return parse(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Every non-empty document of a multi-document YAML text; {@code file} only names where it came from. */
    static List<ManifestDocument> parse(Path file, String yaml) {
        List<ManifestDocument> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (iterator.hasNextValue()) {
                JsonNode tree = iterator.nextValue();
                if (tree != null && !tree.isNull() && !tree.isMissingNode()) {
                    documents.add(new ManifestDocument(file, index, tree));
                }
                index++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("invalid YAML in " + file + ": " + e.getMessage(), e);
        }
        return documents;
    }
}
