package io.healthportal.k8s;

import java.util.List;

/**
 * What differs between the portal's deployables under k8s/, so that one rule is checked for each of them:
 * the Deployment, Service, ServiceAccount, container and {@code app.kubernetes.io/name} label share the name.
 *
 * @param httpPort the main port: the API, {@code /livez} and {@code /readyz}
 * @param metricsPort the management port Prometheus scrapes
 * @param profiles the Spring profiles Kubernetes sets
 * @param minStartupSeconds how long the startup probe must allow before liveness counts
 * @param configMap the ConfigMap of its settings
 * @param database its CloudNativePG Cluster
 * @param databaseName the database the Cluster's initdb creates
 * @param databaseOwner the owner the Cluster's initdb creates (and the generated Secret's user)
 * @param ingressPath the path of the portal host its Ingress routes to it
 */
record Deployable(
        String name,
        int httpPort,
        int metricsPort,
        String profiles,
        int minStartupSeconds,
        String configMap,
        String database,
        String databaseName,
        String databaseOwner,
        String ingressPath) {

    /** HAPI takes one to two minutes to start. */
    static final Deployable HAPI_SERVER = new Deployable(
            "hapi-server", 8080, 8081, "postgres", 240, "hapi-server-config", "hapi-server-db", "fhir", "hapi", "/");

    static final Deployable INGEST_ADAPTERS = new Deployable(
            "ingest-adapters",
            8090,
            8091,
            "postgres,rabbitmq",
            120,
            "ingest-adapters-config",
            "ingest-adapters-db",
            "ingest",
            "ingest",
            "/ingest/");

    static List<Deployable> all() {
        return List.of(HAPI_SERVER, INGEST_ADAPTERS);
    }

    @Override
    public String toString() {
        return name;
    }
}
