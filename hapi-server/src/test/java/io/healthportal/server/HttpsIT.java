package io.healthportal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.healthportal.server.testing.BackendServicesTestClient;
import io.healthportal.testing.FreePort;
import io.healthportal.testing.Readiness;
import io.healthportal.testing.RequiresPostgres;
import io.healthportal.testing.TestPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hapi-server serves HTTPS when configured through Spring Boot's standard {@code server.ssl.*}
 * properties: the built jar, started as a child JVM with the {@code postgres} profile on a fresh
 * database and a PKCS#12 key store this test generates (never a key in the repository), answers over
 * https with a certificate a client can trust, names https endpoints in its SMART configuration, issues
 * a token that works there, and refuses plain HTTP on that port.
 */
@RequiresPostgres
class HttpsIT {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final String CLIENT_ID = "https-it";
    private static final String ALIAS = "portal-tls";

    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void hapiServerServesTheFhirApiAndSmartOverHttpsFromServerSslProperties() throws Exception {
        String storePassword = UUID.randomUUID().toString();
        Path keyStore = dir.resolve("tls.p12");
        generateKeyStore(keyStore, storePassword);
        HttpClient trusting = HttpClient.newBuilder()
                .sslContext(trusting(keyStore, storePassword))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        ECKey clientKey = new ECKeyGenerator(Curve.P_384)
                .keyID(UUID.randomUUID().toString())
                .algorithm(JWSAlgorithm.ES384)
                .generate();
        int port = FreePort.find();
        String base = "https://localhost:" + port;

        Process server = start(port, keyStore, storePassword, new JWKSet(clientKey.toPublicJWK()).toString(true));
        try {
            assertThat(Readiness.await(
                            server, "hapi-server", URI.create(base + "/readyz"), READY_TIMEOUT, log(), trusting))
                    .as("ready over https; see " + log())
                    .isTrue();

            HttpResponse<String> metadata = get(trusting, base + "/fhir/metadata", null);
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("CapabilityStatement");

            JsonNode smart = json.readTree(get(trusting, base + "/fhir/.well-known/smart-configuration", null)
                    .body());
            assertThat(smart.get("issuer").asText()).isEqualTo(base);
            for (String endpoint : List.of(
                    "authorization_endpoint",
                    "token_endpoint",
                    "jwks_uri",
                    "revocation_endpoint",
                    "introspection_endpoint",
                    "registration_endpoint")) {
                assertThat(smart.get(endpoint).asText()).as(endpoint).startsWith(base + "/");
            }

            BackendServicesTestClient client = BackendServicesTestClient.of(
                    CLIENT_ID, smart.get("token_endpoint").asText(), clientKey, "system/Patient.rs", trusting);
            HttpResponse<String> search =
                    get(trusting, base + "/fhir/Patient?_count=1", "Bearer " + client.accessToken());
            assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
            assertThat(json.readTree(search.body()).get("resourceType").asText())
                    .isEqualTo("Bundle");
            assertThat(get(trusting, base + "/fhir/Patient?_count=1", null).statusCode())
                    .as("https changes nothing about authentication")
                    .isEqualTo(401);

            assertPlainHttpIsRefused("http://localhost:" + port + "/fhir/metadata");
        } finally {
            stop(server);
        }
    }

    /**
     * Plain HTTP on the TLS port gets no FHIR answer: Tomcat answers the non-TLS bytes with a 400 of its
     * own (or, depending on timing, drops the connection).
     */
    private static void assertPlainHttpIsRefused(String url) throws InterruptedException {
        HttpClient plain = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .build();
        Integer status;
        String body;
        try {
            HttpResponse<String> response = plain.send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            body = response.body();
        } catch (IOException dropped) {
            status = null;
            body = String.valueOf(dropped);
        }
        assertThat(status).as(body).isIn(400, null);
        assertThat(body).doesNotContain("CapabilityStatement");
    }

    /** A new RSA key and self-signed certificate for localhost, made by the JDK's keytool. */
    private static void generateKeyStore(Path keyStore, String password) throws Exception {
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        ALIAS,
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keyStore.toString(),
                        "-storepass",
                        password)
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
    }

    /** Trusts exactly the certificate in {@code keyStore}, nothing else. */
    private static SSLContext trusting(Path keyStore, String password) throws Exception {
        KeyStore generated = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            generated.load(in, password.toCharArray());
        }
        Certificate certificate = generated.getCertificate(ALIAS);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(ALIAS, certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private Process start(int port, Path keyStore, String storePassword, String clientJwks) throws IOException {
        TestPostgres postgres = TestPostgres.instance();
        Path dataDir = Files.createDirectories(dir.resolve("data"));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-jar",
                jar().toString(),
                "--spring.profiles.active=postgres",
                "--server.port=" + port,
                "--management.server.port=" + FreePort.find(),
                "--server.ssl.enabled=true",
                "--server.ssl.key-store=" + keyStore,
                "--server.ssl.key-store-type=PKCS12",
                "--server.ssl.key-alias=" + ALIAS,
                "--portal.public-base-url=https://localhost:" + port,
                "--portal.data-dir=" + dataDir,
                // The postgres profile takes its signing keys from a mounted key store; here a new one.
                "--portal.auth.key-store=" + dataDir.resolve("signing-keys.p12"),
                "--portal.auth.create-key-store-if-missing=true",
                "--portal.auth.backend-clients." + CLIENT_ID + ".jwks=" + clientJwks,
                "--portal.auth.backend-clients." + CLIENT_ID + ".scopes=system/Patient.rs");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log().toFile());
        Map<String, String> environment = builder.environment();
        environment.put("POSTGRES_URL", postgres.newDatabase("https_fhir"));
        environment.put("POSTGRES_USER", postgres.user());
        environment.put("POSTGRES_PASSWORD", postgres.password());
        // Passwords through the environment, not the command line other users of the machine can list.
        environment.put("SERVER_SSL_KEY_STORE_PASSWORD", storePassword);
        environment.put("PORTAL_AUTH_KEY_STORE_PASSWORD", UUID.randomUUID().toString());
        return builder.start();
    }

    private static HttpResponse<String> get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static Path log() {
        return Path.of("target", "hapi-server-https.log").toAbsolutePath();
    }

    /** The jar this module's package phase built. */
    private static Path jar() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("hapi-server-")
                                && name.endsWith(".jar")
                                && !name.endsWith("-plain.jar")
                                && !name.endsWith("-sources.jar");
                    })
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("hapi-server jar not built; run the verify phase"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
