package io.healthportal.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.healthportal.smartclient.BackendServicesClient;
import io.healthportal.smartclient.BackendServicesKey;
import io.healthportal.testing.RequiredServices;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * hapi-server with the {@code elasticsearch} profile (the k8s overlay that runs several replicas)
 * keeps its full-text index in a real OpenSearch node: {@code _text} and {@code _content} find what
 * was written, follow updates and deletes, and nothing is indexed on local disk.
 *
 * <p>hapi-server runs from its built jar in a JVM of its own, on a fresh PostgreSQL database; the
 * OpenSearch node runs in this JVM. Needs the external PostgreSQL like every other integration test:
 * skipped with one line without it, failed without it when services are required.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticsearchProfileIT {

    private static final String POSTGRES_URL =
            env("PORTAL_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String POSTGRES_USER = env("PORTAL_TEST_POSTGRES_USER", "postgres");
    private static final String POSTGRES_PASSWORD = env("PORTAL_TEST_POSTGRES_PASSWORD", "");
    private static final String DATABASE = env(
                    "PORTAL_TEST_DB_PREFIX",
                    "portal_test_" + ProcessHandle.current().pid()) + "_elasticsearch";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(6);
    /** The test's own Backend Services client, registered through hapi-server's configuration. */
    private static final String CLIENT_ID = "opensearch-it";

    private static final String SCOPE = "system/Patient.cruds";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Path workDir;
    private OpenSearchRunner openSearch;
    private String openSearchUrl;
    private Process server;
    private Path serverLog;
    private String fhirBase;
    private BackendServicesClient tokens;

    @BeforeAll
    void startOpenSearchAndServer() throws Exception {
        requirePostgres();
        workDir = Files.createTempDirectory("opensearch-it");
        int openSearchPort = freePort();
        openSearch = new OpenSearchRunner();
        openSearch
                .onBuild((node, settings) -> {
                    settings.put("http.port", String.valueOf(openSearchPort));
                    settings.put("discovery.type", "single-node");
                })
                .build(OpenSearchRunner.newConfigs()
                        .numOfNode(1)
                        .basePath(workDir.resolve("opensearch").toString())
                        .clusterName("opensearch-it"));
        openSearch.ensureYellow();
        openSearchUrl = "http://127.0.0.1:" + openSearchPort;

        recreateDatabase();
        int port = freePort();
        fhirBase = "http://127.0.0.1:" + port + "/fhir";
        serverLog = workDir.resolve("hapi-server.log");
        BackendServicesKey clientKey = BackendServicesKey.generate();
        Path jar = Path.of(System.getProperty("hapi-server.jar", "../hapi-server/target/hapi-server.jar"));
        assertThat(jar).as("hapi-server's jar, built earlier in the reactor").exists();
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx768m",
                        "-jar",
                        jar.toAbsolutePath().toString(),
                        "--spring.profiles.active=postgres,elasticsearch",
                        "--server.port=" + port,
                        "--management.server.port=" + freePort(),
                        "--portal.data-dir=" + workDir.resolve("data"),
                        // The postgres profile takes its signing keys from a mounted key store; here a new one.
                        "--portal.auth.key-store=" + workDir.resolve("signing-keys.p12"),
                        "--portal.auth.key-store-password=" + UUID.randomUUID(),
                        "--portal.auth.create-key-store-if-missing=true",
                        "--portal.auth.backend-clients." + CLIENT_ID + ".jwks=" + clientKey.publicKeysJson(),
                        "--portal.auth.backend-clients." + CLIENT_ID + ".scopes=" + SCOPE)
                .redirectErrorStream(true)
                .redirectOutput(serverLog.toFile());
        builder.environment().put("POSTGRES_URL", databaseUrl(DATABASE));
        builder.environment().put("POSTGRES_USER", POSTGRES_USER);
        builder.environment().put("POSTGRES_PASSWORD", POSTGRES_PASSWORD);
        builder.environment().put("ELASTICSEARCH_URL", openSearchUrl);
        server = builder.start();
        awaitReady("http://127.0.0.1:" + port + "/readyz");
        tokens = new BackendServicesClient(URI.create(fhirBase), CLIENT_ID, SCOPE, clientKey);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
        if (openSearch != null) {
            openSearch.close();
            openSearch.clean();
        }
        if (server != null) {
            execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    @Test
    void fullTextSearchFollowsWritesUpdatesAndDeletesThroughOpenSearch() throws Exception {
        String word = "kingfisher" + System.nanoTime();
        String town = "Ledbury" + System.nanoTime();
        String id = create(patient(word, town));

        assertThat(search("Patient?_text=" + word)).containsExactly(id);
        assertThat(search("Patient?_content=" + town)).containsExactly(id);
        assertThat(search("Patient?_text=absent" + System.nanoTime())).isEmpty();

        String newWord = "wagtail" + System.nanoTime();
        ObjectNode updated = patient(newWord, town).put("id", id);
        fhir(HttpRequest.newBuilder(URI.create(fhirBase + "/Patient/" + id))
                .header("Content-Type", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(updated.toString())));
        assertThat(search("Patient?_text=" + newWord)).containsExactly(id);
        assertThat(search("Patient?_text=" + word))
                .as("the old narrative is gone from the index")
                .isEmpty();

        fhir(HttpRequest.newBuilder(URI.create(fhirBase + "/Patient/" + id)).DELETE());
        assertThat(search("Patient?_content=" + town)).isEmpty();
    }

    @Test
    void theIndexLivesInOpenSearchNotOnLocalDisk() throws Exception {
        create(patient("heron" + System.nanoTime(), "Malvern"));

        JsonNode indices =
                json.readTree(send(HttpRequest.newBuilder(URI.create(openSearchUrl + "/_cat/indices?format=json")))
                        .body());
        List<String> names = new ArrayList<>();
        indices.forEach(index -> names.add(index.get("index").asText()));
        assertThat(names).anyMatch(name -> name.startsWith("resourcetable"));
        assertThat(workDir.resolve("data").resolve("lucene")).doesNotExist();
    }

    private ObjectNode patient(String narrativeWord, String town) {
        ObjectNode patient = json.createObjectNode().put("resourceType", "Patient");
        patient.putObject("text")
                .put("status", "generated")
                .put("div", "<div xmlns=\"http://www.w3.org/1999/xhtml\">Mentions " + narrativeWord + "</div>");
        patient.putArray("name").addObject().put("family", "Opensearch");
        patient.putArray("address").addObject().put("city", town);
        return patient;
    }

    private String create(ObjectNode resource) throws Exception {
        HttpResponse<String> response = fhir(HttpRequest.newBuilder(URI.create(fhirBase + "/Patient"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(resource.toString())));
        return json.readTree(response.body()).get("id").asText();
    }

    /** The ids a one-parameter search matches, e.g. {@code Patient?_text=word}; the value is encoded here. */
    private List<String> search(String query) throws Exception {
        int equals = query.indexOf('=');
        String url = fhirBase + "/" + query.substring(0, equals + 1)
                + URLEncoder.encode(query.substring(equals + 1), StandardCharsets.UTF_8);
        JsonNode bundle =
                json.readTree(fhir(HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/fhir+json"))
                        .body());
        List<String> ids = new ArrayList<>();
        bundle.path("entry")
                .forEach(entry -> ids.add(entry.path("resource").path("id").asText()));
        return ids;
    }

    /** A request to hapi-server's FHIR API, with the client's access token. */
    private HttpResponse<String> fhir(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(request.header("Authorization", "Bearer " + tokens.accessToken()));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s answered %s", response.request().method(), response.uri(), response.body())
                .isBetween(200, 299);
        return response;
    }

    private void awaitReady(String readyUrl) throws Exception {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("hapi-server exited before it was ready:\n" + logTail());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(readyUrl))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("hapi-server was not ready within " + READY_TIMEOUT + ":\n" + logTail());
    }

    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(serverLog);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static void requirePostgres() {
        try (Connection ignored = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD)) {
            return;
        } catch (SQLException e) {
            String reason = "PostgreSQL at " + POSTGRES_URL + " is not reachable: " + e.getMessage();
            boolean required = RequiredServices.required();
            if (required) {
                throw new IllegalStateException("ElasticsearchProfileIT requires PostgreSQL: " + reason);
            }
            System.out.println("SKIPPED ElasticsearchProfileIT: " + reason);
            Assumptions.abort(reason);
        }
    }

    private static void recreateDatabase() throws SQLException {
        execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        execute("CREATE DATABASE " + DATABASE);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, POSTGRES_PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The JDBC URL of another database on the same server as {@link #POSTGRES_URL}. */
    private static String databaseUrl(String database) {
        int slash = POSTGRES_URL.lastIndexOf('/');
        int query = POSTGRES_URL.indexOf('?', slash);
        return POSTGRES_URL.substring(0, slash + 1) + database + (query < 0 ? "" : POSTGRES_URL.substring(query));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
