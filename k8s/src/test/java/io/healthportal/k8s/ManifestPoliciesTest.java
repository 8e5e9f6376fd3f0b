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
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every deployable's manifests keep (hapi-server and ingest-adapters alike): non-root,
 * read-only and bounded containers, probes and metrics where the app serves them, explicit profiles, no
 * literal secrets, each database reachable only from its owner; and what is particular to each: one
 * hapi-server replica while its index is local, several ingest-adapters replicas, partners' MLLP
 * admitted only from their own networks, RabbitMQ reachable only from ingest-adapters.
 */
class ManifestPoliciesTest {

    private static final String APP_LABEL = "app.kubernetes.io/name";
    private static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    private static final String HOST = "portal.example.org.uk";
    private static final String RABBITMQ = "rabbitmq";

    private final List<ManifestDocument> base = Manifests.objectsIn(Manifests.BASE_DIR);
    private final List<ManifestDocument> overlay = Manifests.objectsIn(Manifests.ELASTICSEARCH_OVERLAY_DIR);
    private final List<ManifestDocument> overlayPatches = Manifests.patchesIn(Manifests.ELASTICSEARCH_OVERLAY_DIR);

    private final Deployment hapiServer = deployment(Deployable.HAPI_SERVER);
    private final Container server = container(hapiServer.getSpec().getTemplate(), "hapi-server");
    private final Deployment ingestAdapters = deployment(Deployable.INGEST_ADAPTERS);
    private final Container ingest = container(ingestAdapters.getSpec().getTemplate(), "ingest-adapters");
    private final Job migration =
            Manifests.one(ManifestFiles.read(Manifests.MIGRATION_JOB), Job.class, "hapi-server-migrate");

    static List<Deployable> deployables() {
        return Deployable.all();
    }

    @Test
    void everyPodTemplateRunsAsNonRootReadOnlyUnprivilegedAndWithinLimits() {
        List<String> violations = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        for (Deployment each : Manifests.all(Manifests.objects(), Deployment.class)) {
            String workload = "Deployment " + each.getMetadata().getName();
            violations.addAll(PodTemplateRules.violations(
                    workload, each.getSpec().getTemplate().getSpec()));
            checked.add(workload);
        }
        for (Job each : Manifests.all(Manifests.objects(), Job.class)) {
            String workload = "Job " + each.getMetadata().getName();
            violations.addAll(PodTemplateRules.violations(
                    workload, each.getSpec().getTemplate().getSpec()));
            checked.add(workload);
        }

        Set<String> expected = new TreeSet<>(Set.of("Job hapi-server-migrate"));
        Deployable.all().forEach(deployable -> expected.add("Deployment " + deployable.name()));
        assertThat(checked).as("pod templates checked").isEqualTo(expected);
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
                                  volumeMounts:
                                    - name: client-key
                                      mountPath: /etc/app/key
                              volumes:
                                - name: client-key
                                  secret:
                                    secretName: app-client-key
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
                .contains("mounts a service account token")
                .contains("mounts Secret volume client-key writable");
    }

    @Test
    void theNamespaceEnforcesTheRestrictedPodSecurityStandard() {
        Namespace namespace = Manifests.one(base, Namespace.class, "portal");

        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    @ParameterizedTest
    @MethodSource("deployables")
    void probesHitLivezAndReadyzOnTheHttpPortAndWaitGenerouslyForStartup(Deployable deployable) {
        Container app = mainContainer(deployable);

        assertThat(port(app, "http")).isEqualTo(deployable.httpPort());
        assertThat(app.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(app.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(app.getStartupProbe().getHttpGet().getPath()).isEqualTo("/livez");
        for (Probe probe : List.of(app.getLivenessProbe(), app.getReadinessProbe(), app.getStartupProbe())) {
            assertThat(resolve(app, probe.getHttpGet().getPort())).isEqualTo(deployable.httpPort());
        }
        Probe startup = app.getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                .isGreaterThanOrEqualTo(deployable.minStartupSeconds());
    }

    @ParameterizedTest
    @MethodSource("deployables")
    void prometheusScrapesTheSeparateManagementPortWhichNoIngressRoutesTo(Deployable deployable) {
        Deployment deployment = deployment(deployable);
        Map<String, String> annotations =
                deployment.getSpec().getTemplate().getMetadata().getAnnotations();

        assertThat(port(mainContainer(deployable), "metrics")).isEqualTo(deployable.metricsPort());
        assertThat(annotations)
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(deployable.metricsPort()))
                .containsEntry("prometheus.io/path", "/actuator/prometheus");
        assertThat(allIngressPaths())
                .isNotEmpty()
                .allSatisfy(path -> assertThat(
                                path.getBackend().getService().getPort().getName())
                        .isEqualTo("http"));
    }

    @ParameterizedTest
    @MethodSource("deployables")
    void theDeployableSetsItsSpringProfilesExplicitly(Deployable deployable) {
        assertThat(PodTemplateRules.literalEnv(mainContainer(deployable), "SPRING_PROFILES_ACTIVE"))
                .hasValue(deployable.profiles());
    }

    @Test
    void theMigrationJobAndTheElasticsearchOverlaySetHapiServersProfilesExplicitly() {
        Container migrate = container(migration.getSpec().getTemplate(), "migrate");

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
    void theJvmHeapIsAFractionOfAMemoryLimitThatEqualsTheRequest() {
        List<Container> containers = new ArrayList<>();
        Deployable.all().forEach(deployable -> containers.add(mainContainer(deployable)));
        containers.add(container(migration.getSpec().getTemplate(), "migrate"));

        for (Container container : containers) {
            assertThat(PodTemplateRules.literalEnv(container, "JAVA_TOOL_OPTIONS"))
                    .as(container.getName())
                    .hasValueSatisfying(options -> assertThat(options).contains("-XX:MaxRAMPercentage=60"));
            // A memory request below the limit lets the node overcommit, and the kernel kill a JVM it promised room.
            assertThat(Quantity.getAmountInBytes(
                            container.getResources().getLimits().get("memory")))
                    .as(container.getName())
                    .isEqualByComparingTo(Quantity.getAmountInBytes(
                            container.getResources().getRequests().get("memory")));
        }
        assertThat(Quantity.getAmountInBytes(server.getResources().getLimits().get("memory")))
                .isEqualByComparingTo(Quantity.getAmountInBytes(new Quantity("2Gi")));
    }

    @Test
    void ingestAdaptersListensOnThePortsItsConfigMapNamesAndItsContainerDeclares() {
        Map<String, String> data = configMap(Deployable.INGEST_ADAPTERS).getData();

        // Its defaults live in application.yaml, which another module owns: the ConfigMap pins them.
        assertThat(Integer.parseInt(data.get("PORT"))).isEqualTo(port(ingest, "http"));
        assertThat(Integer.parseInt(data.get("MANAGEMENT_PORT"))).isEqualTo(port(ingest, "metrics"));
        for (String variable : List.of("PORT", "MANAGEMENT_PORT")) {
            assertThat(PodTemplateRules.envSource(ingest, variable)
                            .orElseThrow()
                            .getConfigMapKeyRef())
                    .satisfies(ref -> {
                        assertThat(ref.getName()).isEqualTo("ingest-adapters-config");
                        assertThat(ref.getKey()).isEqualTo(variable);
                    });
        }
    }

    @Test
    void hapiServerWritesOnlyToTmpAndItsLuceneIndexVolumeAndReadsItsSigningKeysFromASecret() {
        Map<String, Volume> volumes = volumes(hapiServer);
        Map<String, String> mounts = writableMounts(server);
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
    void ingestAdaptersWritesOnlyToTmpAndReadsItsKeysFromSecretsAndItsPartnersFromItsConfigMap() {
        Map<String, Volume> volumes = volumes(ingestAdapters);
        Map<String, String> writable = writableMounts(ingest);
        Map<String, String> config = configMap(Deployable.INGEST_ADAPTERS).getData();

        assertThat(writable).as("writable mounts").containsOnlyKeys("/tmp");
        assertThat(volumes.get(writable.get("/tmp")).getEmptyDir()).isNotNull();
        assertThat(PodTemplateRules.literalEnv(ingest, "PORTAL_DATA_DIR"))
                .as("nothing is kept on the pod's disk")
                .isEmpty();

        // Each file the app is pointed at lies in a read-only mount of the volume that holds it.
        assertThat(mountedFrom(ingest, volumes, config.get("INGEST_CLIENT_KEY_FILE")))
                .isEqualTo("Secret ingest-adapters-client-key key client-key.json");
        assertThat(mountedFrom(ingest, volumes, config.get("INGEST_ARCHIVE_KEY_FILE")))
                .isEqualTo("Secret ingest-adapters-archive-key key archive.key");
        String partners = config.get("SPRING_CONFIG_ADDITIONAL_LOCATION");
        assertThat(partners).startsWith("file:");
        assertThat(mountedFrom(ingest, volumes, partners.substring("file:".length())))
                .isEqualTo("ConfigMap ingest-adapters-config key partners.yaml");
        for (String file :
                List.of("INGEST_CLIENT_KEY_FILE", "INGEST_ARCHIVE_KEY_FILE", "SPRING_CONFIG_ADDITIONAL_LOCATION")) {
            assertThat(PodTemplateRules.envSource(ingest, file)
                            .orElseThrow()
                            .getConfigMapKeyRef()
                            .getName())
                    .isEqualTo("ingest-adapters-config");
        }
        // Only the owner and the pod's group (fsGroup) may read the keys.
        assertThat(volumes.values().stream()
                        .filter(volume -> volume.getSecret() != null)
                        .map(volume -> volume.getSecret().getDefaultMode()))
                .hasSize(2)
                .allSatisfy(mode ->
                        assertThat(mode & 07).as("permissions for others").isZero());
    }

    @Test
    void theBaseRunsOneHapiServerReplicaBecauseItsLuceneIndexIsLocal() {
        assertThat(hapiServer.getSpec().getReplicas()).isEqualTo(1);
        // A rolling update would start a second pod against the same ReadWriteOnce volume and Lucene lock.
        assertThat(hapiServer.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(Manifests.all(base, HorizontalPodAutoscaler.class)).isEmpty();
    }

    @Test
    void ingestAdaptersRunsSeveralReplicasSpreadAcrossNodesAndADrainTakesOneAtATime() {
        Map<String, String> podLabels =
                ingestAdapters.getSpec().getTemplate().getMetadata().getLabels();
        PodDisruptionBudget budget = Manifests.one(base, PodDisruptionBudget.class, "ingest-adapters");

        assertThat(ingestAdapters.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(ingestAdapters.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ingestAdapters.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(new IntOrString(0));
        assertThat(ingestAdapters.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
                .singleElement()
                .satisfies(spread -> {
                    assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(podLabels)
                            .containsAllEntriesOf(spread.getLabelSelector().getMatchLabels());
                });
        assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(podLabels);
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

    @ParameterizedTest
    @MethodSource("deployables")
    void theDeployableIsServedThroughAClusterIpServiceAndATlsIngressPathOnThePortalHost(Deployable deployable) {
        Service service = Manifests.one(base, Service.class, deployable.name());
        Ingress ingress = Manifests.one(base, Ingress.class, deployable.name());
        ServicePort web = service.getSpec().getPorts().stream()
                .filter(port -> port.getPort() == 80)
                .findFirst()
                .orElseThrow();

        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(web.getTargetPort().getStrVal()).isEqualTo("http");
        assertThat(deployment(deployable).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactly(HOST);
            assertThat(tls.getSecretName()).isEqualTo("portal-example-org-uk-tls");
        });
        assertThat(ingress.getSpec().getRules())
                .extracting(IngressRule::getHost)
                .containsExactly(HOST);
        assertThat(ingressPaths(ingress)).singleElement().satisfies(path -> {
            assertThat(path.getPath()).isEqualTo(deployable.ingressPath());
            assertThat(path.getPathType()).isEqualTo("Prefix");
            assertThat(path.getBackend().getService().getName()).isEqualTo(deployable.name());
            assertThat(path.getBackend().getService().getPort().getName()).isEqualTo(web.getName());
        });
    }

    @Test
    void certManagerIssuesThePortalCertificateFromOneIngressOnly() {
        List<Ingress> ingresses = Manifests.all(base, Ingress.class);

        assertThat(ingresses)
                .filteredOn(
                        ingress -> ingress.getMetadata().getAnnotations().containsKey("cert-manager.io/cluster-issuer"))
                .extracting(ingress -> ingress.getMetadata().getName())
                .containsExactly("hapi-server");
        assertThat(configMap(Deployable.HAPI_SERVER).getData())
                .containsEntry("PORTAL_PUBLIC_BASE_URL", "https://" + HOST);
    }

    @ParameterizedTest
    @MethodSource("deployables")
    void theDeployableConnectsToItsOwnDatabaseWithTheCredentialsTheClusterGenerates(Deployable deployable) {
        ManifestDocument database = Manifests.customResource(base, "Cluster", deployable.database());
        String databaseName = database.tree()
                .path("spec")
                .path("bootstrap")
                .path("initdb")
                .path("database")
                .asText();
        List<Container> containers = new ArrayList<>(List.of(mainContainer(deployable)));
        if (deployable.equals(Deployable.HAPI_SERVER)) {
            containers.add(container(migration.getSpec().getTemplate(), "migrate"));
        }

        assertThat(databaseName).isEqualTo(deployable.databaseName());
        assertThat(configMap(deployable).getData().get("POSTGRES_URL"))
                .startsWith("jdbc:postgresql://" + deployable.database() + "-rw:5432/" + databaseName + "?")
                .contains("sslmode=require")
                .doesNotContainIgnoringCase("password");
        for (Container container : containers) {
            EnvVarSource url =
                    PodTemplateRules.envSource(container, "POSTGRES_URL").orElseThrow();
            EnvVarSource user =
                    PodTemplateRules.envSource(container, "POSTGRES_USER").orElseThrow();
            EnvVarSource password =
                    PodTemplateRules.envSource(container, "POSTGRES_PASSWORD").orElseThrow();
            assertThat(url.getConfigMapKeyRef().getName()).isEqualTo(deployable.configMap());
            assertThat(user.getSecretKeyRef().getName()).isEqualTo(deployable.database() + "-app");
            assertThat(user.getSecretKeyRef().getKey()).isEqualTo("username");
            assertThat(password.getSecretKeyRef().getName()).isEqualTo(deployable.database() + "-app");
            assertThat(password.getSecretKeyRef().getKey()).isEqualTo("password");
        }
    }

    @ParameterizedTest
    @MethodSource("deployables")
    void theDatabaseIsAThreeInstancePostgres15ClusterBackedUpToAnObjectStoreEveryDay(Deployable deployable) {
        ManifestDocument database = Manifests.customResource(base, "Cluster", deployable.database());
        JsonNode spec = database.tree().path("spec");
        JsonNode objectStore = spec.path("backup").path("barmanObjectStore");
        ManifestDocument schedule = Manifests.customResource(base, "ScheduledBackup", deployable.database() + "-daily");

        assertThat(spec.path("instances").asInt()).isEqualTo(3);
        assertThat(spec.path("imageName").asText()).matches(".*/postgresql:15(\\.[0-9]+)*");
        assertThat(spec.path("bootstrap").path("initdb").path("owner").asText()).isEqualTo(deployable.databaseOwner());
        assertThat(spec.path("enableSuperuserAccess").asBoolean(true)).isFalse();
        assertThat(spec.path("storage").path("size").asText()).isNotBlank();
        assertThat(objectStore.path("destinationPath").asText())
                .isEqualTo("s3://portal-backups/" + deployable.database());
        assertThat(objectStore
                        .path("s3Credentials")
                        .path("accessKeyId")
                        .path("name")
                        .asText())
                .isEqualTo(deployable.database() + "-backup-s3")
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

    @ParameterizedTest
    @MethodSource("deployables")
    void theDatabasePolicyAdmitsOnlyItsOwnerToPostgresBesidesTheOperatorAndTheInstances(Deployable deployable) {
        String cluster = deployable.database();
        NetworkPolicy policy = policySelecting(Map.of("cnpg.io/cluster", cluster));

        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
        assertThat(admissions(policy, null))
                .containsExactlyInAnyOrder(
                        "pods {app.kubernetes.io/name=" + deployable.name() + "} -> [5432]",
                        "namespace cnpg-system pods {app.kubernetes.io/name=cloudnative-pg} -> [5432, 8000]",
                        "pods {cnpg.io/cluster=" + cluster + "} -> [5432, 8000]");
        assertThat(deployment(deployable).getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry(APP_LABEL, deployable.name());
        if (deployable.equals(Deployable.HAPI_SERVER)) {
            assertThat(migration.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry(APP_LABEL, "hapi-server");
        }
    }

    @Test
    void ingressIsDeniedByDefaultAndHapiServerAdmitsTheIngressControllerIngestAdaptersAndPrometheus() {
        NetworkPolicy denyAll = Manifests.all(base, NetworkPolicy.class).stream()
                .filter(each -> selectsEverything(each.getSpec().getPodSelector()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no default-deny NetworkPolicy"));
        NetworkPolicy web = policyFor(hapiServer);

        assertThat(denyAll.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(denyAll.getSpec().getIngress()).isEmpty();
        assertThat(admissions(web, server))
                .containsExactlyInAnyOrder(
                        "namespace ingress-nginx pods {app.kubernetes.io/name=ingress-nginx} -> [8080]",
                        "pods " + selector(ingestAdapters) + " -> [8080]",
                        "namespace monitoring -> [8081]");
    }

    @Test
    void ingestAdaptersAdmitsTheIngressControllerHapiServerPrometheusAndEachPartnerOnlyOnItsMllpPort() {
        List<String> expected = new ArrayList<>(List.of(
                "namespace ingress-nginx pods {app.kubernetes.io/name=ingress-nginx} -> [8090]",
                "pods " + selector(hapiServer) + " -> [8090]",
                "namespace monitoring -> [8091]"));
        for (MllpPartner partner : mllpPartners()) {
            partner.cidrs().forEach(cidr -> expected.add("cidr " + cidr + " -> [" + partner.port() + "]"));
        }

        assertThat(admissions(policyFor(ingestAdapters), ingest)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyMllpPartnerIsListeningReachableAndAllowedFromItsOwnNetworksOnly() {
        List<MllpPartner> partners = mllpPartners();
        Service mllp = Manifests.one(base, Service.class, "ingest-adapters-mllp");
        Set<String> allCidrs = partners.stream()
                .flatMap(partner -> partner.cidrs().stream())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(partners).isNotEmpty();
        for (MllpPartner partner : partners) {
            assertThat(partner.bindAddress())
                    .as(partner.id() + " binds every interface of the pod")
                    .isEqualTo("0.0.0.0");
            assertThat(partner.cidrs())
                    .as(partner.id() + "'s allowed sources")
                    .isNotEmpty()
                    .allSatisfy(cidr -> assertThat(cidr).matches("[0-9.]+/[0-9]+"));
            assertThat(ingest.getPorts())
                    .extracting(ContainerPort::getContainerPort)
                    .contains(partner.port());
            assertThat(mllp.getSpec().getPorts())
                    .as(partner.id() + " on the MLLP Service")
                    .anySatisfy(port -> {
                        assertThat(port.getPort()).isEqualTo(partner.port());
                        assertThat(resolve(ingest, port.getTargetPort())).isEqualTo(partner.port());
                    });
        }
        // Only the partners' ports leave the cluster: never http or metrics.
        assertThat(mllp.getSpec().getPorts())
                .extracting(port -> resolve(ingest, port.getTargetPort()))
                .containsExactlyInAnyOrderElementsOf(
                        partners.stream().map(MllpPartner::port).toList());
        assertThat(mllp.getSpec().getType()).isEqualTo("LoadBalancer");
        // The partner's own address must reach the pod for the NetworkPolicy and the listener to check it.
        assertThat(mllp.getSpec().getExternalTrafficPolicy()).isEqualTo("Local");
        assertThat(new TreeSet<>(mllp.getSpec().getLoadBalancerSourceRanges())).isEqualTo(allCidrs);
        assertThat(ingestAdapters.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(mllp.getSpec().getSelector());
        // HTTP intake is open to the same networks only, until it checks each partner's token.
        String allowlist = Manifests.one(base, Ingress.class, "ingest-adapters")
                .getMetadata()
                .getAnnotations()
                .get("nginx.ingress.kubernetes.io/whitelist-source-range");
        assertThat(new TreeSet<>(Arrays.asList(allowlist.split("\\s*,\\s*")))).isEqualTo(allCidrs);
    }

    @Test
    void ingestAdaptersWritesToHapiServersInClusterServiceAsEachPartnersClientHapiServerRegisters() {
        Map<String, String> ingestConfig = configMap(Deployable.INGEST_ADAPTERS).getData();
        URI fhirBase = URI.create(ingestConfig.get("INGEST_FHIR_BASE_URL"));
        JsonNode clients = ManifestFiles.parse(
                        Path.of("SPRING_APPLICATION_JSON"),
                        configMap(Deployable.HAPI_SERVER).getData().get("SPRING_APPLICATION_JSON"))
                .get(0)
                .tree()
                .path("portal")
                .path("auth")
                .path("backend-clients");

        assertThat(fhirBase.getScheme()).isEqualTo("http");
        assertThat(fhirBase.getHost()).isEqualTo(serviceHost("hapi-server"));
        assertThat(fhirBase.getPort()).as("the Service's default port 80").isEqualTo(-1);
        assertThat(fhirBase.getPath()).isEqualTo("/fhir");
        assertThat(PodTemplateRules.envSource(server, "SPRING_APPLICATION_JSON")
                        .orElseThrow()
                        .getConfigMapKeyRef()
                        .getName())
                .isEqualTo("hapi-server-config");
        List<String> partners = partnerIds();
        assertThat(partners).isNotEmpty();
        for (String partner : partners) {
            // ingest-adapters' default client id for the partner (IngestProperties.BackendAuth).
            String clientId = "ingest-" + partner;
            JsonNode client = clients.path(clientId);
            assertThat(client.isObject())
                    .as("hapi-server registers client " + clientId)
                    .isTrue();
            assertThat(client.path("role").asText()).as(clientId + "'s role").isEqualTo("partner");
            assertThat(client.path("partner-id").asText())
                    .as(clientId + "'s partner")
                    .isEqualTo(partner);
            URI jwks = URI.create(client.path("jwks-uri").asText());
            assertThat(jwks.getHost()).isEqualTo(serviceHost("ingest-adapters"));
            assertThat(jwks.getPort()).isEqualTo(-1);
            assertThat(jwks.getPath()).isEqualTo("/.well-known/jwks.json");
            Set<String> granted = new TreeSet<>();
            client.path("scopes").forEach(scope -> granted.add(scope.asText()));
            assertThat(granted).as("granted to " + clientId).containsAll(ingestRequestedScopes());
        }
        // ingest-adapters' default verifier client id (IngestProperties.BackendAuth).
        JsonNode verifier = clients.path("ingest-patient-verifier");
        assertThat(verifier.path("role").asText()).isEqualTo("patient-verifier");
        assertThat(URI.create(verifier.path("jwks-uri").asText()).getHost()).isEqualTo(serviceHost("ingest-adapters"));
        assertThat(verifier.path("scopes").toString()).isEqualTo("[\"system/Patient.u\"]");
    }

    @Test
    void rabbitmqIsAnOddClusterOfAtLeastThreePersistentNodesWithBoundedResources() {
        JsonNode spec = Manifests.customResource(base, "RabbitmqCluster", RABBITMQ)
                .tree()
                .path("spec");

        assertThat(spec.path("replicas").asInt()).isGreaterThanOrEqualTo(3).isOdd();
        assertThat(spec.path("image").asText()).matches("[^:]+:[0-9][^:]*").doesNotEndWith(":latest");
        assertThat(spec.path("persistence").path("storage").asText()).isNotBlank();
        assertThat(spec.path("resources").path("requests").path("cpu").asText()).isNotBlank();
        assertThat(spec.path("resources").path("requests").path("memory").asText())
                .isNotBlank();
        assertThat(spec.path("resources").path("limits").path("memory").asText())
                .isEqualTo(
                        spec.path("resources").path("requests").path("memory").asText());
        assertThat(spec.path("rabbitmq").path("additionalConfig").asText())
                .contains("cluster_partition_handling = pause_minority");
        JsonNode podSpec = spec.path("override")
                .path("statefulSet")
                .path("spec")
                .path("template")
                .path("spec");
        assertThat(podSpec.path("securityContext").path("runAsNonRoot").asBoolean())
                .isTrue();
        assertThat(podSpec.path("securityContext")
                        .path("seccompProfile")
                        .path("type")
                        .asText())
                .isEqualTo("RuntimeDefault");
        for (String containers : List.of("containers", "initContainers")) {
            assertThat(toList(podSpec.path(containers))).isNotEmpty().allSatisfy(container -> {
                assertThat(container
                                .path("securityContext")
                                .path("allowPrivilegeEscalation")
                                .asBoolean(true))
                        .isFalse();
                assertThat(container
                                .path("securityContext")
                                .path("capabilities")
                                .path("drop")
                                .toString())
                        .contains("\"ALL\"");
            });
        }
    }

    @Test
    void ingestAdaptersUsesRabbitmqsClientServiceAndTheDefaultUserTheOperatorGenerates() {
        Map<String, String> config = configMap(Deployable.INGEST_ADAPTERS).getData();

        assertThat(config.get("RABBITMQ_HOST")).isEqualTo(serviceHost(RABBITMQ));
        assertThat(config.get("RABBITMQ_PORT")).isEqualTo("5672");
        for (String variable : List.of("RABBITMQ_USERNAME", "RABBITMQ_PASSWORD")) {
            EnvVarSource source = PodTemplateRules.envSource(ingest, variable).orElseThrow();
            assertThat(source.getSecretKeyRef().getName()).isEqualTo(RABBITMQ + "-default-user");
            assertThat(source.getSecretKeyRef().getKey())
                    .isEqualTo(variable.substring("RABBITMQ_".length()).toLowerCase());
        }
    }

    @Test
    void rabbitmqAdmitsOnlyIngestAdaptersToAmqpBesidesItsPeersItsOperatorsAndPrometheus() {
        // The operator labels the broker's pods with the cluster's name and component "rabbitmq".
        Map<String, String> brokerPods = Map.of(APP_LABEL, RABBITMQ, COMPONENT_LABEL, "rabbitmq");
        NetworkPolicy policy = policySelecting(brokerPods);

        assertThat(admissions(policy, null))
                .containsExactlyInAnyOrder(
                        "pods " + selector(ingestAdapters) + " -> [5672]",
                        "pods " + new TreeMap<>(brokerPods) + " -> [4369, 25672, 35672-35682]",
                        "namespace rabbitmq-system -> [15672]",
                        "namespace monitoring -> [15692]");
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
        Pattern credentialAssignment = Pattern.compile("(?is).*(password|secret|token)\\s*[=:].*");
        Pattern credentialInUrl = Pattern.compile("(?s).*://[^/@\\s]+:[^/@\\s]+@.*");
        List<String> leaks = new ArrayList<>();
        List<ManifestDocument> configMaps = new ArrayList<>(Manifests.all());
        configMaps.removeIf(document -> !"ConfigMap".equals(document.kind()));
        for (ManifestDocument document : configMaps) {
            document.tree().path("data").fields().forEachRemaining(entry -> {
                if (PodTemplateRules.SECRET_NAME.matcher(entry.getKey()).matches()) {
                    leaks.add(document + " holds " + entry.getKey());
                }
                // Multi-line values (a whole config file) are searched across lines.
                String value = entry.getValue().asText();
                if (credentialAssignment.matcher(value).matches()
                        || credentialInUrl.matcher(value).matches()) {
                    leaks.add(document + " has a credential in " + entry.getKey());
                }
            });
        }

        assertThat(configMaps).hasSizeGreaterThanOrEqualTo(Deployable.all().size());
        assertThat(credentialAssignment.matcher("a: 1\n  password: changeit\n").matches())
                .as("the check sees a password on a later line")
                .isTrue();
        assertThat(leaks).isEmpty();
    }

    /** A partner ingest-adapters listens to over MLLP, as its ConfigMap's partners.yaml declares it. */
    record MllpPartner(String id, int port, String bindAddress, List<String> cidrs) {}

    private List<MllpPartner> mllpPartners() {
        String partnersYaml = configMap(Deployable.INGEST_ADAPTERS).getData().get("partners.yaml");
        JsonNode partners = ManifestFiles.parse(Path.of("partners.yaml"), partnersYaml)
                .get(0)
                .tree()
                .path("portal")
                .path("ingest")
                .path("partners");
        List<MllpPartner> found = new ArrayList<>();
        partners.forEach(partner -> {
            if (partner.hasNonNull("mllp-port")) {
                List<String> cidrs = new ArrayList<>();
                partner.path("mllp-allowed-sources").forEach(cidr -> cidrs.add(cidr.asText()));
                found.add(new MllpPartner(
                        partner.path("id").asText(),
                        partner.path("mllp-port").asInt(),
                        partner.path("mllp-bind-address").asText(""),
                        cidrs));
            }
        });
        return found;
    }

    /** Every partner ingest-adapters' ConfigMap's partners.yaml declares. */
    private List<String> partnerIds() {
        String partnersYaml = configMap(Deployable.INGEST_ADAPTERS).getData().get("partners.yaml");
        List<String> ids = new ArrayList<>();
        ManifestFiles.parse(Path.of("partners.yaml"), partnersYaml)
                .get(0)
                .tree()
                .path("portal")
                .path("ingest")
                .path("partners")
                .forEach(partner -> ids.add(partner.path("id").asText()));
        return ids;
    }

    /** The scopes ingest-adapters asks hapi-server for, from its own application.yaml. */
    private static Set<String> ingestRequestedScopes() {
        Path applicationYaml =
                Manifests.MODULE_DIR.resolveSibling("ingest-adapters/src/main/resources/application.yaml");
        String scope = ManifestFiles.read(applicationYaml)
                .get(0)
                .tree()
                .path("portal")
                .path("ingest")
                .path("auth")
                .path("scope")
                .asText();
        assertThat(scope).as("portal.ingest.auth.scope in " + applicationYaml).isNotBlank();
        return new TreeSet<>(Arrays.asList(scope.trim().split("\\s+")));
    }

    private static String serviceHost(String service) {
        return service + ".portal.svc.cluster.local";
    }

    private Deployment deployment(Deployable deployable) {
        return Manifests.one(base, Deployment.class, deployable.name());
    }

    private Container mainContainer(Deployable deployable) {
        return container(deployment(deployable).getSpec().getTemplate(), deployable.name());
    }

    private ConfigMap configMap(Deployable deployable) {
        return Manifests.one(base, ConfigMap.class, deployable.configMap());
    }

    private JsonNode overlayDeploymentPatch() {
        return overlayPatches.stream()
                .filter(document -> "Deployment".equals(document.kind()) && "hapi-server".equals(document.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the elasticsearch overlay does not patch the Deployment"))
                .tree();
    }

    private List<HTTPIngressPath> allIngressPaths() {
        return Manifests.all(base, Ingress.class).stream()
                .flatMap(ingress -> ingressPaths(ingress).stream())
                .toList();
    }

    private static List<HTTPIngressPath> ingressPaths(Ingress ingress) {
        return ingress.getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream())
                .toList();
    }

    /** The NetworkPolicy whose pod selector matches the Deployment's pods (not the default deny). */
    private NetworkPolicy policyFor(Deployment deployment) {
        Map<String, String> labels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        return Manifests.all(base, NetworkPolicy.class).stream()
                .filter(each -> !selectsEverything(each.getSpec().getPodSelector()))
                .filter(each -> labels.entrySet()
                        .containsAll(
                                each.getSpec().getPodSelector().getMatchLabels().entrySet()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy admits traffic to "
                        + deployment.getMetadata().getName()));
    }

    private NetworkPolicy policySelecting(Map<String, String> labels) {
        return Manifests.all(base, NetworkPolicy.class).stream()
                .filter(each -> labels.equals(each.getSpec().getPodSelector().getMatchLabels()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy selects the pods labelled " + labels));
    }

    private static String selector(Deployment deployment) {
        return new TreeMap<>(deployment.getSpec().getSelector().getMatchLabels()).toString();
    }

    /**
     * Whom a policy admits, one line per peer and rule: {@code "<peer> -> [<ports>]"}, named ports resolved
     * against {@code container}. A rule without peers or ports says so, which no expectation here accepts.
     */
    private static List<String> admissions(NetworkPolicy policy, Container container) {
        List<String> admitted = new ArrayList<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            String ports = rule.getPorts().isEmpty() ? "every port" : portList(rule, container);
            if (rule.getFrom().isEmpty()) {
                admitted.add("every source -> " + ports);
            }
            for (NetworkPolicyPeer peer : rule.getFrom()) {
                admitted.add(describe(peer) + " -> " + ports);
            }
        }
        return admitted;
    }

    private static String portList(NetworkPolicyIngressRule rule, Container container) {
        Set<String> ports = new LinkedHashSet<>();
        rule.getPorts().stream()
                .sorted(Comparator.comparingInt(port -> number(port.getPort(), container)))
                .forEach(port -> {
                    int from = number(port.getPort(), container);
                    ports.add(port.getEndPort() == null ? String.valueOf(from) : from + "-" + port.getEndPort());
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                });
        return ports.toString();
    }

    private static int number(IntOrString port, Container container) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        if (container == null) {
            throw new AssertionError("named port " + port.getStrVal() + " where only numbers are expected");
        }
        return port(container, port.getStrVal());
    }

    private static String describe(NetworkPolicyPeer peer) {
        if (peer.getIpBlock() != null) {
            return "cidr " + peer.getIpBlock().getCidr()
                    + (peer.getIpBlock().getExcept().isEmpty()
                            ? ""
                            : " except " + peer.getIpBlock().getExcept());
        }
        String pods = peer.getPodSelector() == null ? null : describe(peer.getPodSelector());
        if (peer.getNamespaceSelector() == null) {
            return "pods " + pods;
        }
        Map<String, String> namespaceLabels = peer.getNamespaceSelector().getMatchLabels();
        String namespace = namespaceLabels.size() == 1 && namespaceLabels.containsKey("kubernetes.io/metadata.name")
                ? namespaceLabels.get("kubernetes.io/metadata.name")
                : "selected by " + describe(peer.getNamespaceSelector());
        return "namespace " + namespace + (pods == null ? "" : " pods " + pods);
    }

    private static String describe(LabelSelector selector) {
        return new TreeMap<>(selector.getMatchLabels())
                + (selector.getMatchExpressions().isEmpty() ? "" : " " + selector.getMatchExpressions());
    }

    private static Map<String, Volume> volumes(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
                .collect(Collectors.toMap(Volume::getName, volume -> volume));
    }

    /** Writable mounts, mount path to volume name. */
    private static Map<String, String> writableMounts(Container container) {
        return container.getVolumeMounts().stream()
                .filter(mount -> !Boolean.TRUE.equals(mount.getReadOnly()))
                .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
    }

    /** Which Secret or ConfigMap key a file path in the container comes from, through a read-only mount. */
    private static String mountedFrom(Container container, Map<String, Volume> volumes, String file) {
        Path path = Path.of(file);
        VolumeMount mount = container.getVolumeMounts().stream()
                .filter(each -> path.getParent().equals(Path.of(each.getMountPath())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + path.getParent()));
        assertThat(mount.getReadOnly())
                .as("mount " + mount.getName() + " is read-only")
                .isTrue();
        Volume volume = volumes.get(mount.getName());
        String fileName = path.getFileName().toString();
        if (volume.getSecret() != null) {
            return volume.getSecret().getItems().stream()
                    .filter(item -> fileName.equals(item.getPath()))
                    .map(item -> "Secret " + volume.getSecret().getSecretName() + " key " + item.getKey())
                    .findFirst()
                    .orElse("Secret " + volume.getSecret().getSecretName() + " without an item " + fileName);
        }
        if (volume.getConfigMap() != null) {
            return volume.getConfigMap().getItems().stream()
                    .filter(item -> fileName.equals(item.getPath()))
                    .map(item -> "ConfigMap " + volume.getConfigMap().getName() + " key " + item.getKey())
                    .findFirst()
                    .orElse("ConfigMap " + volume.getConfigMap().getName() + " without an item " + fileName);
        }
        return "volume " + volume.getName() + " of another kind";
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

    private static boolean selectsEverything(LabelSelector selector) {
        return selector.getMatchLabels().isEmpty()
                && selector.getMatchExpressions().isEmpty();
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
