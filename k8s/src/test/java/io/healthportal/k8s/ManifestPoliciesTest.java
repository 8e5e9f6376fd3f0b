package io.healthportal.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rules hapi-server's manifests keep: non-root, read-only and bounded containers, probes and
 * metrics where the app serves them, explicit profiles, no literal secrets, one replica while the
 * index is local, and a database that only its owner can reach.
 */
class ManifestPoliciesTest {

    private static final String APP_LABEL = "app.kubernetes.io/name";
    private static final String HOST = "portal.example.org.uk";

    private final List<ManifestDocument> base = Manifests.objectsIn(Manifests.BASE_DIR);
    private final List<ManifestDocument> overlay = Manifests.objectsIn(Manifests.ELASTICSEARCH_OVERLAY_DIR);
    private final List<ManifestDocument> overlayPatches = Manifests.patchesIn(Manifests.ELASTICSEARCH_OVERLAY_DIR);

    private final Deployment deployment = Manifests.one(base, Deployment.class, "hapi-server");
    private final Container server = container(deployment.getSpec().getTemplate(), "hapi-server");
    private final Job migration =
            Manifests.one(ManifestFiles.read(Manifests.MIGRATION_JOB), Job.class, "hapi-server-migrate");
    private final ManifestDocument database = Manifests.customResource(base, "Cluster", "hapi-server-db");

    @Test
    void everyPodTemplateRunsAsNonRootReadOnlyUnprivilegedAndWithinLimits() {
        List<String> violations = new ArrayList<>();
        int checked = 0;
        for (Deployment each : Manifests.all(Manifests.objects(), Deployment.class)) {
            violations.addAll(PodTemplateRules.violations(
                    "Deployment " + each.getMetadata().getName(),
                    each.getSpec().getTemplate().getSpec()));
            checked++;
        }
        for (Job each : Manifests.all(Manifests.objects(), Job.class)) {
            violations.addAll(PodTemplateRules.violations(
                    "Job " + each.getMetadata().getName(),
                    each.getSpec().getTemplate().getSpec()));
            checked++;
        }

        assertThat(checked).as("pod templates checked").isEqualTo(2);
        assertThat(violations).isEmpty();
    }

    @Test
    void theRulesCatchARootContainerAWritableRootFilesystemAndALiteralPassword() {
        ManifestDocument careless =
                ManifestFiles.parse(Path.of("inline.yaml"), """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: careless
                        spec:
                          template:
                            spec:
                              securityContext:
                                runAsUser: 0
                              containers:
                                - name: app
                                  image: example/app:latest
                                  env:
                                    - name: POSTGRES_PASSWORD
                                      value: changeit
                                    - name: JAVA_TOOL_OPTIONS
                                      value: -Dspring.datasource.password=changeit
                        """).get(0);
        PodSpec pod = KubernetesModel.parse(careless, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec();

        assertThat(String.join("\n", PodTemplateRules.violations("careless", pod)))
                .contains("runAsNonRoot: true")
                .contains("runs as user 0")
                .contains("writable root filesystem")
                .contains("allowPrivilegeEscalation: false")
                .contains("does not drop ALL capabilities")
                .contains("no memory limit")
                .contains("without a fixed tag")
                .contains("sets POSTGRES_PASSWORD to a literal")
                .contains("credential in the literal value of JAVA_TOOL_OPTIONS")
                .contains("mounts a service account token");
    }

    @Test
    void theNamespaceEnforcesTheRestrictedPodSecurityStandard() {
        Namespace namespace = Manifests.one(base, Namespace.class, "portal");

        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @Test
    void hapiServerProbesLivezAndReadyzOnItsHttpPortAndWaitsGenerouslyForStartup() {
        assertThat(port(server, "http")).isEqualTo(8080);

        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(server.getStartupProbe().getHttpGet().getPath()).isEqualTo("/livez");
        for (Probe probe : List.of(server.getLivenessProbe(), server.getReadinessProbe(), server.getStartupProbe())) {
            assertThat(resolve(server, probe.getHttpGet().getPort())).isEqualTo(8080);
        }
        // HAPI needs one to two minutes; the startup probe allows well over that before liveness counts.
        Probe startup = server.getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(240);
    }

    @Test
    void prometheusScrapesTheSeparateManagementPortWhichTheIngressNeverRoutesTo() {
        Map<String, String> annotations =
                deployment.getSpec().getTemplate().getMetadata().getAnnotations();

        assertThat(port(server, "metrics")).isEqualTo(8081);
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "8081")
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat(ingressPaths())
                .allSatisfy(path -> assertThat(
                                path.getBackend().getService().getPort().getName())
                        .isEqualTo("http"));
    }

    @Test
    void everyHapiServerContainerSetsItsSpringProfilesExplicitly() {
        Container migrate = container(migration.getSpec().getTemplate(), "migrate");

        assertThat(PodTemplateRules.literalEnv(server, "SPRING_PROFILES_ACTIVE"))
                .hasValue("postgres");
        assertThat(PodTemplateRules.literalEnv(migrate, "SPRING_PROFILES_ACTIVE"))
                .hasValue("postgres");
        assertThat(
                        overlayDeploymentPatch()
                                .path("spec")
                                .path("template")
                                .path("spec")
                                .path("containers")
                                .findValues("env")
                                .stream()
                                .flatMap(env -> toList(env).stream())
                                .filter(env -> "SPRING_PROFILES_ACTIVE"
                                        .equals(env.path("name").asText()))
                                .map(env -> env.path("value").asText()))
                .containsExactly("postgres,elasticsearch");
    }

    @Test
    void theJvmHeapIsAFractionOfTheContainerMemoryLimit() {
        for (Container container : List.of(server, container(migration.getSpec().getTemplate(), "migrate"))) {
            assertThat(PodTemplateRules.literalEnv(container, "JAVA_TOOL_OPTIONS"))
                    .hasValueSatisfying(options -> assertThat(options).contains("-XX:MaxRAMPercentage=60"));
            assertThat(Quantity.getAmountInBytes(
                            container.getResources().getLimits().get("memory")))
                    .isEqualByComparingTo(Quantity.getAmountInBytes(new Quantity("2Gi")));
        }
    }

    @Test
    void hapiServerWritesOnlyToTmpAndItsLuceneIndexVolumeAndReadsItsSigningKeysFromASecret() {
        Map<String, Volume> volumes = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, volume -> volume));
        Map<String, String> mounts = server.getVolumeMounts().stream()
                .filter(mount -> !Boolean.TRUE.equals(mount.getReadOnly()))
                .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
        String dataDir = PodTemplateRules.literalEnv(server, "PORTAL_DATA_DIR").orElseThrow();

        assertThat(dataDir).isEqualTo("/var/lib/portal");
        assertThat(mounts).as("writable mounts").containsOnlyKeys("/tmp", dataDir + "/lucene");
        // The only read-only mount is the token signing key store, from its Secret.
        assertThat(server.getVolumeMounts())
                .filteredOn(mount -> Boolean.TRUE.equals(mount.getReadOnly()))
                .singleElement()
                .satisfies(mount -> assertThat(
                                volumes.get(mount.getName()).getSecret().getSecretName())
                        .isEqualTo("hapi-server-signing-keys"));
        assertThat(volumes.get(mounts.get("/tmp")).getEmptyDir()).isNotNull();
        String claim = volumes.get(mounts.get(dataDir + "/lucene"))
                .getPersistentVolumeClaim()
                .getClaimName();
        assertThat(Manifests.one(base, PersistentVolumeClaim.class, claim)
                        .getSpec()
                        .getAccessModes())
                .containsExactly("ReadWriteOnce");
    }

    @Test
    void theBaseRunsOneHapiServerReplicaBecauseItsLuceneIndexIsLocal() {
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        // A rolling update would start a second pod against the same ReadWriteOnce volume and Lucene lock.
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(Manifests.all(base, HorizontalPodAutoscaler.class)).isEmpty();
    }

    @Test
    void theElasticsearchOverlayScalesHapiServerOnCpuWithSeveralReplicas() {
        HorizontalPodAutoscaler autoscaler = Manifests.one(overlay, HorizontalPodAutoscaler.class, "hapi-server");
        JsonNode patch = overlayDeploymentPatch();

        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo("hapi-server");
        assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThan(1);
        assertThat(autoscaler.getSpec().getMaxReplicas())
                .isGreaterThan(autoscaler.getSpec().getMinReplicas());
        assertThat(autoscaler.getSpec().getMetrics())
                .extracting(MetricSpec::getResource)
                .extracting(resource -> resource.getName())
                .containsExactly("cpu");
        assertThat(patch.path("spec").path("replicas").asInt())
                .isEqualTo(autoscaler.getSpec().getMinReplicas());
        assertThat(patch.path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
        JsonNode indexVolume = toList(
                        patch.path("spec").path("template").path("spec").path("volumes"))
                .stream()
                .filter(volume -> "lucene-index".equals(volume.path("name").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(indexVolume.has("persistentVolumeClaim")
                        && indexVolume.get("persistentVolumeClaim").isNull())
                .as("the overlay removes the index claim from the volume")
                .isTrue();
        assertThat(indexVolume.has("emptyDir")).isTrue();
    }

    @Test
    void hapiServerIsServedThroughAClusterIpServiceAndATlsIngressForThePortalHost() {
        Service service = Manifests.one(base, Service.class, "hapi-server");
        Ingress ingress = Manifests.one(base, Ingress.class, "hapi-server");
        ServicePort web = service.getSpec().getPorts().stream()
                .filter(port -> port.getPort() == 80)
                .findFirst()
                .orElseThrow();

        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(web.getTargetPort().getStrVal()).isEqualTo("http");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactly(HOST);
            assertThat(tls.getSecretName()).isNotBlank();
        });
        assertThat(ingress.getSpec().getRules())
                .extracting(IngressRule::getHost)
                .containsExactly(HOST);
        assertThat(ingressPaths()).singleElement().satisfies(path -> {
            assertThat(path.getPath()).isEqualTo("/");
            assertThat(path.getPathType()).isEqualTo("Prefix");
            assertThat(path.getBackend().getService().getName()).isEqualTo("hapi-server");
            assertThat(path.getBackend().getService().getPort().getName()).isEqualTo(web.getName());
        });
        assertThat(config().getData()).containsEntry("PORTAL_PUBLIC_BASE_URL", "https://" + HOST);
    }

    @Test
    void hapiServerConnectsToTheDatabaseTheClusterCreatesWithTheCredentialsItGenerates() {
        String cluster = database.name();
        String databaseName = database.tree()
                .path("spec")
                .path("bootstrap")
                .path("initdb")
                .path("database")
                .asText();

        assertThat(config().getData().get("POSTGRES_URL"))
                .startsWith("jdbc:postgresql://" + cluster + "-rw:5432/" + databaseName + "?")
                .doesNotContainIgnoringCase("password");
        for (Container container : List.of(server, container(migration.getSpec().getTemplate(), "migrate"))) {
            EnvVarSource url =
                    PodTemplateRules.envSource(container, "POSTGRES_URL").orElseThrow();
            EnvVarSource user =
                    PodTemplateRules.envSource(container, "POSTGRES_USER").orElseThrow();
            EnvVarSource password =
                    PodTemplateRules.envSource(container, "POSTGRES_PASSWORD").orElseThrow();
            assertThat(url.getConfigMapKeyRef().getName()).isEqualTo("hapi-server-config");
            assertThat(user.getSecretKeyRef().getName()).isEqualTo(cluster + "-app");
            assertThat(user.getSecretKeyRef().getKey()).isEqualTo("username");
            assertThat(password.getSecretKeyRef().getName()).isEqualTo(cluster + "-app");
            assertThat(password.getSecretKeyRef().getKey()).isEqualTo("password");
        }
    }

    @Test
    void theDatabaseIsAThreeInstancePostgres15ClusterBackedUpToAnObjectStoreEveryDay() {
        JsonNode spec = database.tree().path("spec");
        JsonNode objectStore = spec.path("backup").path("barmanObjectStore");
        ManifestDocument schedule = Manifests.customResource(base, "ScheduledBackup", "hapi-server-db-daily");

        assertThat(spec.path("instances").asInt()).isEqualTo(3);
        assertThat(spec.path("imageName").asText()).matches(".*/postgresql:15(\\.[0-9]+)*");
        assertThat(spec.path("bootstrap").path("initdb").path("database").asText())
                .isEqualTo("fhir");
        assertThat(spec.path("bootstrap").path("initdb").path("owner").asText()).isEqualTo("hapi");
        assertThat(spec.path("enableSuperuserAccess").asBoolean(true)).isFalse();
        assertThat(spec.path("storage").path("size").asText()).isNotBlank();
        assertThat(objectStore.path("destinationPath").asText()).startsWith("s3://");
        assertThat(objectStore
                        .path("s3Credentials")
                        .path("accessKeyId")
                        .path("name")
                        .asText())
                .isNotBlank()
                .isEqualTo(objectStore
                        .path("s3Credentials")
                        .path("secretAccessKey")
                        .path("name")
                        .asText());
        assertThat(spec.path("backup").path("retentionPolicy").asText()).isNotBlank();
        assertThat(schedule.tree().path("spec").path("cluster").path("name").asText())
                .isEqualTo(database.name());
        assertThat(schedule.tree().path("spec").path("method").asText()).isEqualTo("barmanObjectStore");
    }

    @Test
    void theDatabasePolicySelectsTheDatabasePodsAndAdmitsOnlyHapiServerToPostgres() {
        String cluster = database.name();
        NetworkPolicy policy = Manifests.all(base, NetworkPolicy.class).stream()
                .filter(each -> Map.of("cnpg.io/cluster", cluster)
                        .equals(each.getSpec().getPodSelector().getMatchLabels()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy selects the pods of Cluster " + cluster));
        List<String> violations = new ArrayList<>();
        boolean admitsHapiServer = false;

        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            Set<Integer> ports = ports(rule, null);
            if (rule.getFrom().isEmpty() || ports.isEmpty()) {
                violations.add("a rule admits every source or every port: " + rule);
            }
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                if (isPodsInThisNamespace(peer, Map.of(APP_LABEL, "hapi-server"))) {
                    admitsHapiServer = true;
                    if (!ports.equals(Set.of(5432))) {
                        violations.add("hapi-server is admitted to ports " + ports + ", not just 5432");
                    }
                } else if (isPodsInThisNamespace(peer, Map.of("cnpg.io/cluster", cluster))
                        || isPodsInNamespace(peer, "cnpg-system", Map.of(APP_LABEL, "cloudnative-pg"))) {
                    if (!Set.of(5432, 8000).containsAll(ports)) {
                        violations.add("the operator or the instances are admitted to ports " + ports);
                    }
                } else {
                    violations.add("the database admits an unexpected peer " + peer);
                }
            }
        }

        assertThat(violations).isEmpty();
        assertThat(admitsHapiServer)
                .as("hapi-server is admitted to the database")
                .isTrue();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(APP_LABEL, "hapi-server");
        assertThat(migration.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(APP_LABEL, "hapi-server");
    }

    @Test
    void ingressIsDeniedByDefaultAndHapiServerAdmitsOnlyTheIngressControllerAndPrometheus() {
        List<NetworkPolicy> policies = Manifests.all(base, NetworkPolicy.class);
        NetworkPolicy denyAll = policies.stream()
                .filter(each -> selectsEverything(each.getSpec().getPodSelector()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no default-deny NetworkPolicy"));
        NetworkPolicy web = policies.stream()
                .filter(each -> !selectsEverything(each.getSpec().getPodSelector()))
                .filter(each -> deployment
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .entrySet()
                        .containsAll(
                                each.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy admits traffic to hapi-server"));

        assertThat(denyAll.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(denyAll.getSpec().getIngress()).isEmpty();
        assertThat(web.getSpec().getIngress()).hasSize(2).allSatisfy(rule -> {
            assertThat(rule.getFrom())
                    .singleElement()
                    .satisfies(peer -> assertThat(peer.getIpBlock()).isNull());
            NetworkPolicyPeer peer = rule.getFrom().get(0);
            if (isPodsInNamespace(peer, "ingress-nginx", Map.of(APP_LABEL, "ingress-nginx"))) {
                assertThat(ports(rule, server)).containsExactly(8080);
            } else {
                assertThat(namespaceName(peer)).isEqualTo("monitoring");
                assertThat(ports(rule, server)).containsExactly(8081);
            }
        });
    }

    @Test
    void theMigrationJobRunsTheServerImageWithMigrateOnlyAndNeverReceivesWebTraffic() {
        PodTemplateSpec template = migration.getSpec().getTemplate();
        Container migrate = container(template, "migrate");
        Service service = Manifests.one(base, Service.class, "hapi-server");

        assertThat(migrate.getImage()).isEqualTo(server.getImage());
        assertThat(migrate.getArgs()).containsExactly("--portal.schema.migrate-only=true");
        assertThat(template.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(migration.getSpec().getBackoffLimit()).isNotNull();
        assertThat(migration.getSpec().getActiveDeadlineSeconds()).isNotNull();
        assertThat(template.getMetadata()
                        .getLabels()
                        .entrySet()
                        .containsAll(service.getSpec().getSelector().entrySet()))
                .as("the Service's selector matches the migration pod")
                .isFalse();
    }

    @Test
    void configMapsHoldSettingsButNoCredentials() {
        List<String> leaks = new ArrayList<>();
        List<ManifestDocument> configMaps = new ArrayList<>(Manifests.all());
        configMaps.removeIf(document -> !"ConfigMap".equals(document.kind()));
        for (ManifestDocument document : configMaps) {
            document.tree().path("data").fields().forEachRemaining(entry -> {
                if (PodTemplateRules.SECRET_NAME.matcher(entry.getKey()).matches()) {
                    leaks.add(document + " holds " + entry.getKey());
                }
                if (entry.getValue().asText().matches("(?i).*(password|secret|token)\\s*[=:].*")
                        || entry.getValue().asText().matches(".*://[^/@]+:[^/@]+@.*")) {
                    leaks.add(document + " has a credential in " + entry.getKey());
                }
            });
        }

        assertThat(configMaps).isNotEmpty();
        assertThat(leaks).isEmpty();
    }

    private JsonNode overlayDeploymentPatch() {
        return overlayPatches.stream()
                .filter(document -> "Deployment".equals(document.kind()) && "hapi-server".equals(document.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the elasticsearch overlay does not patch the Deployment"))
                .tree();
    }

    private ConfigMap config() {
        return Manifests.one(base, ConfigMap.class, "hapi-server-config");
    }

    private List<HTTPIngressPath> ingressPaths() {
        return Manifests.one(base, Ingress.class, "hapi-server").getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream())
                .toList();
    }

    private static Container container(PodTemplateSpec template, String name) {
        return template.getSpec().getContainers().stream()
                .filter(container -> name.equals(container.getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static int port(Container container, String name) {
        return container.getPorts().stream()
                .filter(port -> name.equals(port.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("container " + container.getName() + " has no port " + name));
    }

    /** A port given by number, or by the name of one of the container's ports. */
    private static int resolve(Container container, IntOrString port) {
        return port.getIntVal() != null ? port.getIntVal() : port(container, port.getStrVal());
    }

    /** The numbered ports a rule admits; named ports are looked up in {@code container}. */
    private static Set<Integer> ports(NetworkPolicyIngressRule rule, Container container) {
        return rule.getPorts().stream()
                .map(NetworkPolicyPort::getPort)
                .map(port -> port.getIntVal() != null ? port.getIntVal() : resolve(container, port))
                .collect(Collectors.toSet());
    }

    private static boolean selectsEverything(LabelSelector selector) {
        return selector.getMatchLabels().isEmpty()
                && selector.getMatchExpressions().isEmpty();
    }

    private static boolean isPodsInThisNamespace(NetworkPolicyPeer peer, Map<String, String> labels) {
        return peer.getNamespaceSelector() == null
                && peer.getIpBlock() == null
                && peer.getPodSelector() != null
                && peer.getPodSelector().getMatchExpressions().isEmpty()
                && labels.equals(peer.getPodSelector().getMatchLabels());
    }

    private static boolean isPodsInNamespace(NetworkPolicyPeer peer, String namespace, Map<String, String> labels) {
        return namespace.equals(namespaceName(peer))
                && peer.getPodSelector() != null
                && labels.equals(peer.getPodSelector().getMatchLabels());
    }

    private static String namespaceName(NetworkPolicyPeer peer) {
        if (peer.getNamespaceSelector() == null) {
            return null;
        }
        Map<String, String> labels = peer.getNamespaceSelector().getMatchLabels();
        return labels.size() == 1 ? labels.get("kubernetes.io/metadata.name") : null;
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
