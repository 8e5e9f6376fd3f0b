package io.healthportal.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything under k8s/, read once: the documents, which of them are kustomizations, which are
 * patches (partial objects merged into others) and which are whole objects.
 */
final class Manifests {

    static final Path MODULE_DIR = ManifestFiles.moduleDir();
    static final Path BASE_DIR = MODULE_DIR.resolve("base");
    static final Path ELASTICSEARCH_OVERLAY_DIR = MODULE_DIR.resolve("overlays/elasticsearch");
    static final Path AWS_KMS_OVERLAY_DIR = MODULE_DIR.resolve("overlays/aws-kms");
    static final Path SCHEMA_DIR = MODULE_DIR.resolve("schemas");
    static final Path MIGRATION_JOB = MODULE_DIR.resolve("hapi-server-migrate-job.yaml");

    private static final List<ManifestDocument> ALL = ManifestFiles.documents(MODULE_DIR);

    private Manifests() {}

    static List<ManifestDocument> all() {
        return ALL;
    }

    static List<Kustomization> kustomizations() {
        return ALL.stream()
                .filter(Kustomization::isKustomization)
                .map(Kustomization::of)
                .toList();
    }

    static Set<Path> patchFiles() {
        return kustomizations().stream()
                .flatMap(kustomization -> kustomization.patchFiles().stream())
                .collect(Collectors.toSet());
    }

    /** Documents that are whole objects: neither a kustomization nor a patch. */
    static List<ManifestDocument> objects() {
        Set<Path> patches = patchFiles();
        return ALL.stream()
                .filter(document -> !Kustomization.isKustomization(document))
                .filter(document -> !patches.contains(document.file()))
                .toList();
    }

    /** Whole objects in the given directory only (the base, an overlay, or k8s/ itself). */
    static List<ManifestDocument> objectsIn(Path dir) {
        return objects().stream()
                .filter(document -> document.file().getParent().equals(dir))
                .toList();
    }

    static List<ManifestDocument> patchesIn(Path dir) {
        Set<Path> patches = patchFiles();
        return ALL.stream()
                .filter(document -> patches.contains(document.file()))
                .filter(document -> document.file().getParent().equals(dir))
                .toList();
    }

    /** The one document of this kind and name among {@code documents}, parsed strictly. */
    static <T extends HasMetadata> T one(List<ManifestDocument> documents, Class<T> type, String name) {
        List<T> found = documents.stream()
                .filter(document -> KubernetesModel.modelClass(document)
                        .filter(type::equals)
                        .isPresent())
                .filter(document -> name.equals(document.name()))
                .map(document -> KubernetesModel.parse(document, type))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(
                    "expected one " + type.getSimpleName() + " named " + name + " but found " + found.size());
        }
        return found.get(0);
    }

    static <T extends HasMetadata> List<T> all(List<ManifestDocument> documents, Class<T> type) {
        return documents.stream()
                .filter(document -> KubernetesModel.modelClass(document)
                        .filter(type::equals)
                        .isPresent())
                .map(document -> KubernetesModel.parse(document, type))
                .toList();
    }

    static ManifestDocument customResource(List<ManifestDocument> documents, String kind, String name) {
        return documents.stream()
                .filter(document -> kind.equals(document.kind()) && name.equals(document.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }
}
