package io.healthportal.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every YAML document under k8s/ is a real Kubernetes object or a checked custom resource: core
 * kinds parse strictly into fabric8's model, the operators' resources and kustomize's files match the
 * JSON Schemas in k8s/schemas/, and the kustomizations apply exactly the files that exist.
 */
class ManifestsTest {

    private static final Path NOWHERE = Path.of("inline.yaml");

    private final CustomResourceSchemas schemas = new CustomResourceSchemas(Manifests.SCHEMA_DIR);

    @Test
    void theManifestsIncludeTheBaseWithEveryDeployableTheOverlayAndTheMigrationJob() {
        Set<Path> files = new HashSet<>(ManifestFiles.yamlFiles(Manifests.MODULE_DIR));

        assertThat(files)
                .contains(
                        Manifests.BASE_DIR.resolve("kustomization.yaml"),
                        Manifests.BASE_DIR.resolve("hapi-server.yaml"),
                        Manifests.BASE_DIR.resolve("hapi-server-config.yaml"),
                        Manifests.BASE_DIR.resolve("hapi-server-postgres.yaml"),
                        Manifests.BASE_DIR.resolve("network-policies.yaml"),
                        Manifests.BASE_DIR.resolve("namespace.yaml"),
                        Manifests.BASE_DIR.resolve("ingest-adapters.yaml"),
                        Manifests.BASE_DIR.resolve("ingest-adapters-config.yaml"),
                        Manifests.BASE_DIR.resolve("ingest-adapters-postgres.yaml"),
                        Manifests.BASE_DIR.resolve("rabbitmq.yaml"),
                        Manifests.ELASTICSEARCH_OVERLAY_DIR.resolve("kustomization.yaml"),
                        Manifests.AWS_KMS_OVERLAY_DIR.resolve("kustomization.yaml"),
                        Manifests.MIGRATION_JOB);
    }

    @Test
    void everyDocumentIsACoreKindOrHasACheckedInSchema() {
        List<String> unchecked = Manifests.all().stream()
                .filter(document -> !document.isDeletePatch())
                .filter(document -> !KubernetesModel.isCoreKind(document))
                .filter(document -> schemas.schemaFile(document).isEmpty())
                .map(document -> document + " (" + document.apiVersion() + ") has no model class and no schema "
                        + CustomResourceSchemas.schemaFileName(document))
                .toList();

        assertThat(unchecked).isEmpty();
    }

    @Test
    void everyCoreKindDocumentParsesStrictlyIntoTheFabric8Model() {
        List<String> failures = new ArrayList<>();
        for (ManifestDocument document : Manifests.all()) {
            if (KubernetesModel.isCoreKind(document)) {
                try {
                    HasMetadata parsed = KubernetesModel.parse(document.withoutPatchDirectives());
                    assertThat(parsed.getMetadata().getName())
                            .as(document.toString())
                            .isNotBlank();
                } catch (IllegalArgumentException e) {
                    failures.add(e.getMessage());
                }
            }
        }

        assertThat(failures).isEmpty();
    }

    @Test
    void aMisspelledFieldFailsTheStrictParse() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: hapi-server
                spec:
                  template:
                    spec:
                      containers:
                        - name: hapi-server
                          image: example/hapi-server:1
                          securityContext:
                            readOnlyRootFilesystem: true
                """;

        assertThat(KubernetesModel.parse(inline(deployment))).isInstanceOf(Deployment.class);
        assertThatThrownBy(() -> KubernetesModel.parse(
                        inline(deployment.replace("readOnlyRootFilesystem", "readOnlyRootFileSystem"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readOnlyRootFileSystem");
    }

    @Test
    void aQuotedNumberWhereTheApiExpectsAnIntegerFailsTheStrictParse() {
        String job = """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate
                spec:
                  template:
                    spec:
                      securityContext:
                        runAsUser: 10001
                """;

        assertThat(KubernetesModel.parse(inline(job))).isInstanceOf(Job.class);
        assertThatThrownBy(() -> KubernetesModel.parse(inline(job.replace("10001", "\"10001\""))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runAsUser");
    }

    @Test
    void aKindAtARetiredApiVersionIsNotAccepted() {
        ManifestDocument retired = inline("""
                apiVersion: extensions/v1beta1
                kind: Ingress
                metadata:
                  name: hapi-server
                """);

        assertThat(KubernetesModel.isCoreKind(retired)).isFalse();
        assertThat(schemas.schemaFile(retired)).isEmpty();
    }

    @Test
    void aDuplicateKeyFailsTheYamlParse() {
        assertThatThrownBy(() -> ManifestFiles.parse(NOWHERE, """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: hapi-server-config
                        data:
                          POSTGRES_URL: jdbc:postgresql://a/fhir
                          POSTGRES_URL: jdbc:postgresql://b/fhir
                        """))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("POSTGRES_URL");
    }

    @Test
    void everyCustomResourceAndKustomizationMatchesItsSchema() {
        List<String> violations = Manifests.all().stream()
                .filter(document -> !document.isDeletePatch())
                .filter(document -> !KubernetesModel.isCoreKind(document))
                .flatMap(document -> schemas.violations(document).stream())
                .toList();

        assertThat(violations).isEmpty();
        assertThat(Manifests.all())
                .extracting(ManifestDocument::kind)
                .contains("Cluster", "ScheduledBackup", "RabbitmqCluster", "Kustomization");
    }

    @Test
    void aMinimalRabbitmqClusterMatchesItsSchema() {
        assertThat(schemas.violations(inline(RABBITMQ_CLUSTER))).isEmpty();
    }

    @Test
    void aMisspelledFieldInTheRabbitmqClusterFailsItsSchema() {
        ManifestDocument misspeltTopLevel = inline(RABBITMQ_CLUSTER.replace("persistence:", "persistance:"));
        ManifestDocument misspeltNested = inline(RABBITMQ_CLUSTER.replace("storage: 20Gi", "storageSize: 20Gi"));

        assertThat(schemas.violations(misspeltTopLevel))
                .anySatisfy(violation -> assertThat(violation).contains("persistance"));
        assertThat(schemas.violations(misspeltNested))
                .anySatisfy(violation -> assertThat(violation).contains("storageSize"));
    }

    @Test
    void aQuotedReplicaCountAnUnknownServiceTypeOrAMalformedStorageSizeFailsTheRabbitmqClusterSchema() {
        ManifestDocument quoted = inline(RABBITMQ_CLUSTER.replace("replicas: 3", "replicas: \"3\""));
        ManifestDocument headless = inline(RABBITMQ_CLUSTER.replace("type: ClusterIP", "type: Headless"));
        ManifestDocument badQuantity = inline(RABBITMQ_CLUSTER.replace("storage: 20Gi", "storage: 20 GB"));

        assertThat(schemas.violations(quoted))
                .anySatisfy(violation -> assertThat(violation).contains("replicas"));
        assertThat(schemas.violations(headless))
                .anySatisfy(violation -> assertThat(violation).contains("type"));
        assertThat(schemas.violations(badQuantity))
                .anySatisfy(violation -> assertThat(violation).contains("storage"));
    }

    @Test
    void aMisspelledFieldInTheCloudNativePgClusterFailsItsSchema() {
        ManifestDocument misspelt = inline("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: hapi-server-db
                spec:
                  instances: 3
                  storage:
                    size: 50Gi
                  backup:
                    retentionPolicy: 30d
                    barmanObjectStore:
                      destinationPath: s3://portal-backups/hapi-server-db
                      s3Credentials:
                        accessKeyID:
                          name: hapi-server-db-backup-s3
                          key: ACCESS_KEY_ID
                """);

        assertThat(schemas.violations(misspelt))
                .anySatisfy(violation -> assertThat(violation).contains("accessKeyID"));
    }

    @Test
    void aRetentionPolicyOutsideCloudNativePgsFormatFailsTheClusterSchema() {
        ManifestDocument badRetention = inline("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata:
                  name: hapi-server-db
                spec:
                  instances: 3
                  backup:
                    retentionPolicy: 30 days
                """);

        assertThat(schemas.violations(badRetention))
                .anySatisfy(violation -> assertThat(violation).contains("retentionPolicy"));
    }

    @Test
    void aFiveFieldCronJobScheduleFailsTheScheduledBackupSchema() {
        ManifestDocument cronJobStyle = inline("""
                apiVersion: postgresql.cnpg.io/v1
                kind: ScheduledBackup
                metadata:
                  name: hapi-server-db-daily
                spec:
                  schedule: "0 2 * * *"
                  cluster:
                    name: hapi-server-db
                """);

        assertThat(schemas.violations(cronJobStyle))
                .anySatisfy(violation -> assertThat(violation).contains("schedule"));
    }

    @Test
    void aKustomizationThatGeneratesSecretsFailsItsSchema() {
        ManifestDocument generatesSecrets = inline("""
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - hapi-server.yaml
                secretGenerator:
                  - name: hapi-server-db-app
                    literals:
                      - password=changeit
                """);

        assertThat(schemas.violations(generatesSecrets))
                .anySatisfy(violation -> assertThat(violation).contains("secretGenerator"));
    }

    @Test
    void noSecretIsCheckedIn() {
        assertThat(Manifests.all()).extracting(ManifestDocument::kind).doesNotContain("Secret");
    }

    @Test
    void everyKustomizationNamesOnlyFilesAndDirectoriesThatExist() {
        List<String> missing = new ArrayList<>();
        for (Kustomization kustomization : Manifests.kustomizations()) {
            for (Path path : kustomization.resources()) {
                boolean exists = path.toFile().isFile()
                        || path.resolve("kustomization.yaml").toFile().isFile();
                if (!exists) {
                    missing.add(kustomization.dir() + " lists missing resource " + path);
                }
            }
            kustomization.patchFiles().stream()
                    .filter(path -> !path.toFile().isFile())
                    .forEach(path -> missing.add(kustomization.dir() + " lists missing patch " + path));
        }

        assertThat(Manifests.kustomizations()).hasSize(3);
        assertThat(missing).isEmpty();
    }

    @Test
    void everyManifestIsAppliedByAKustomizationExceptTheMigrationJob() {
        Set<Path> listed = new HashSet<>();
        for (Kustomization kustomization : Manifests.kustomizations()) {
            listed.addAll(kustomization.resources());
            listed.addAll(kustomization.patchFiles());
        }
        List<Path> unlisted = ManifestFiles.yamlFiles(Manifests.MODULE_DIR).stream()
                .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                .filter(file -> !listed.contains(file))
                .toList();

        // The Job is applied on its own before a rollout: its pod template cannot change once created.
        assertThat(unlisted).containsExactly(Manifests.MIGRATION_JOB);
    }

    @Test
    void aDeletePatchNamesOnlyTheObjectItDeletes() {
        List<ManifestDocument> deletePatches =
                Manifests.all().stream().filter(ManifestDocument::isDeletePatch).toList();

        assertThat(deletePatches).isNotEmpty().allSatisfy(patch -> {
            assertThat(Manifests.patchFiles()).contains(patch.file());
            assertThat(patch.tree().fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder("$patch", "apiVersion", "kind", "metadata");
        });
    }

    @Test
    void everyNamespacedObjectIsInThePortalNamespace() {
        List<String> elsewhere = Manifests.all().stream()
                .filter(document -> !Kustomization.isKustomization(document))
                .filter(document -> !"Namespace".equals(document.kind()))
                .filter(document -> !"portal".equals(document.namespace()))
                .map(document -> document + " is in namespace '" + document.namespace() + "'")
                .toList();

        assertThat(elsewhere).isEmpty();
    }

    @Test
    void theBaseAndTheElasticsearchOverlayRenderWithKustomizeAndKeepThePolicies() {
        Optional<List<ManifestDocument>> base = Kustomize.render(Manifests.BASE_DIR);
        assumeTrue(base.isPresent(), "kubectl is not installed: the kustomize rendering is not checked");
        List<ManifestDocument> overlay =
                Kustomize.render(Manifests.ELASTICSEARCH_OVERLAY_DIR).orElseThrow();
        List<ManifestDocument> kms =
                Kustomize.render(Manifests.AWS_KMS_OVERLAY_DIR).orElseThrow();

        for (List<ManifestDocument> rendered : List.of(base.get(), overlay, kms)) {
            rendered.stream().filter(KubernetesModel::isCoreKind).forEach(KubernetesModel::parse);
            assertThat(rendered.stream()
                            .filter(document -> !KubernetesModel.isCoreKind(document))
                            .flatMap(document -> schemas.violations(document).stream()))
                    .isEmpty();
            for (Deployable deployable : Deployable.all()) {
                Deployment deployment = Manifests.one(rendered, Deployment.class, deployable.name());
                assertThat(PodTemplateRules.violations(
                                "rendered Deployment " + deployable.name(),
                                deployment.getSpec().getTemplate().getSpec()))
                        .isEmpty();
            }
            assertThat(rendered)
                    .extracting(ManifestDocument::kind)
                    .contains("RabbitmqCluster", "Cluster", "ScheduledBackup");
        }
        // The rendered ingest-adapters runs the image the kustomization names, with its tag.
        assertThat(Manifests.one(base.get(), Deployment.class, "ingest-adapters")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(kustomizationImage("registry.example.org.uk/healthportal/ingest-adapters"));

        Deployment single = Manifests.one(base.get(), Deployment.class, "hapi-server");
        Job migration = Manifests.one(ManifestFiles.read(Manifests.MIGRATION_JOB), Job.class, "hapi-server-migrate");
        assertThat(single.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .as("the image the base rolls out is the one the migration Job migrates with")
                .isEqualTo(migration
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage());
        assertThat(single.getSpec().getReplicas()).isEqualTo(1);
        assertThat(Manifests.all(base.get(), HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(Manifests.all(base.get(), PersistentVolumeClaim.class)).hasSize(1);

        Deployment scaled = Manifests.one(overlay, Deployment.class, "hapi-server");
        assertThat(scaled.getSpec().getReplicas()).isGreaterThan(1);
        assertThat(PodTemplateRules.literalEnv(
                        scaled.getSpec().getTemplate().getSpec().getContainers().get(0), "SPRING_PROFILES_ACTIVE"))
                .hasValue("postgres,elasticsearch");
        assertThat(scaled.getSpec().getTemplate().getSpec().getVolumes())
                .allSatisfy(volume -> assertThat(volume.getPersistentVolumeClaim())
                        .as("volume " + volume.getName() + " in the overlay")
                        .isNull());
        assertThat(Manifests.all(overlay, PersistentVolumeClaim.class)).isEmpty();
        assertThat(Manifests.one(overlay, HorizontalPodAutoscaler.class, "hapi-server")
                        .getSpec()
                        .getMinReplicas())
                .isGreaterThan(1);
        assertThat(Manifests.all(overlay, Job.class)).isEmpty();
    }

    @Test
    void theAwsKmsOverlayGivesIngestAdaptersKmsKeysThroughItsServiceAccountAndNoKeyFile() {
        Optional<List<ManifestDocument>> rendered = Kustomize.render(Manifests.AWS_KMS_OVERLAY_DIR);
        assumeTrue(rendered.isPresent(), "kubectl is not installed: the kustomize rendering is not checked");

        Deployment ingest = Manifests.one(rendered.get(), Deployment.class, "ingest-adapters");
        var pod = ingest.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(PodTemplateRules.literalEnv(container, "SPRING_PROFILES_ACTIVE"))
                .hasValue("postgres,rabbitmq,aws-kms");
        for (String setting : List.of("INGEST_KMS_KEY_ID", "AWS_REGION")) {
            assertThat(PodTemplateRules.envSource(container, setting)
                            .orElseThrow()
                            .getConfigMapKeyRef()
                            .getName())
                    .as(setting)
                    .isEqualTo("ingest-adapters-config");
            assertThat(Manifests.one(rendered.get(), ConfigMap.class, "ingest-adapters-config")
                            .getData())
                    .as("ingest-adapters-config")
                    .containsKey(setting);
        }
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("INGEST_ARCHIVE_KEY_FILE");
        assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain("archive-key");
        assertThat(container.getVolumeMounts()).extracting(VolumeMount::getName).doesNotContain("archive-key");
        assertThat(pod.getServiceAccountName()).isEqualTo("ingest-adapters");
        assertThat(Manifests.one(rendered.get(), ServiceAccount.class, "ingest-adapters")
                        .getMetadata()
                        .getAnnotations())
                .containsKey("eks.amazonaws.com/role-arn");
        // Nothing else changes: hapi-server is the base's.
        assertThat(Manifests.one(rendered.get(), Deployment.class, "hapi-server"))
                .isEqualTo(Manifests.one(
                        Kustomize.render(Manifests.BASE_DIR).orElseThrow(), Deployment.class, "hapi-server"));
    }

    private static final String RABBITMQ_CLUSTER = """
            apiVersion: rabbitmq.com/v1beta1
            kind: RabbitmqCluster
            metadata:
              name: rabbitmq
            spec:
              replicas: 3
              service:
                type: ClusterIP
              persistence:
                storage: 20Gi
            """;

    /** name:newTag of an entry in the base kustomization's images. */
    private static String kustomizationImage(String name) {
        ManifestDocument kustomization = ManifestFiles.read(Manifests.BASE_DIR.resolve("kustomization.yaml"))
                .get(0);
        for (var image : kustomization.tree().path("images")) {
            if (name.equals(image.path("name").asText())) {
                return image.path("newName").asText(name) + ":"
                        + image.path("newTag").asText();
            }
        }
        throw new AssertionError("the base kustomization sets no image " + name);
    }

    private static ManifestDocument inline(String yaml) {
        return ManifestFiles.parse(NOWHERE, yaml).get(0);
    }
}
