package io.healthportal.server.demo;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import io.healthportal.server.authserver.ClientRegistrations;
import io.healthportal.server.authserver.PortalRole;
import io.healthportal.server.authserver.PortalUsers;
import io.healthportal.server.authserver.StaffSecondFactor;
import io.healthportal.server.security.SystemRole;
import java.net.URI;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;

/**
 * The demo logins of the embedded default, provisioned after the demo data on every start: two
 * patients (the first demo patients by id), a clinician, a receptionist and an administrator (the first
 * demo practitioner), each with a documented demo password (and, for staff, a documented TOTP key), and a
 * demo public SMART app, and ingest-adapters' partner clients. They exist only where demo data does; the
 * {@code postgres} profile refuses both.
 */
class DemoLogins implements ApplicationRunner, Ordered {

    private static final Logger log = LoggerFactory.getLogger(DemoLogins.class);

    /** A demo login; printed by {@code ./portal} and documented in the README. */
    record Login(String username, String password, PortalRole role) {}

    private static final String DEMO_APPOINTMENT_SYSTEM = "https://healthportal.io/Id/demo-appointment";
    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    static final List<Login> PATIENTS = List.of(
            new Login("patient", "patient-demo", PortalRole.PATIENT),
            new Login("patient2", "patient2-demo", PortalRole.PATIENT));
    static final List<Login> STAFF = List.of(
            new Login("clinician", "clinician-demo", PortalRole.PRACTITIONER),
            new Login("reception", "reception-demo", PortalRole.RECEPTIONIST),
            new Login("admin", "admin-demo", PortalRole.ADMINISTRATOR));

    /**
     * The demo staff's TOTP key (base32), a public demo value like their passwords: add it to an
     * authenticator app, or {@code oathtool --totp -b} it, for the code asked after the password.
     */
    static final String STAFF_TOTP_KEY = "PORTALDEMOSTAFFTOTPKEYDEMOPORTAL";

    static final String DEMO_APP = "demo-app";
    static final Set<String> DEMO_APP_SCOPES = Set.of(
            "openid",
            "fhirUser",
            "launch/patient",
            "launch",
            "patient/*.rs",
            "patient/Patient.rs",
            "patient/Observation.rs",
            "patient/Condition.rs",
            "patient/Appointment.rs",
            "user/*.rs");

    private final DaoRegistry daoRegistry;
    private final PortalUsers users;
    private final ClientRegistrations clients;
    private final StaffSecondFactor secondFactor;
    /**
     * ingest-adapters writes each partner's data as that partner's Backend Services client, {@value
     * #INGEST_CLIENT_PREFIX}{@code <partner id>} (ingest's default client id), with the partner role: what
     * its mappings produce (the scope list of its application.yaml; k8s/base/hapi-server-config.yaml
     * registers the same for its partners).
     */
    static final String INGEST_CLIENT_PREFIX = "ingest-";

    static final Set<String> INGEST_SCOPES = Set.of(
            "system/Patient.crus",
            "system/Encounter.crus",
            "system/Observation.crus",
            "system/DiagnosticReport.crus",
            "system/MedicationDispense.crus",
            "system/MedicationRequest.crus",
            "system/MedicationStatement.crus",
            "system/Immunization.crus",
            "system/Condition.crus",
            "system/AllergyIntolerance.crus",
            "system/Appointment.crus",
            "system/Slot.crus",
            "system/Schedule.crus",
            "system/Provenance.crus",
            "system/Procedure.crus",
            "system/ServiceRequest.crus",
            "system/Specimen.crus",
            "system/Location.crus",
            "system/Organization.crus");

    /**
     * The client through which ingest-adapters' operator API marks an unverified Patient verified (ingest's
     * default {@code portal.ingest.auth.verifier-client-id}); k8s/base/hapi-server-config.yaml registers
     * the same.
     */
    static final String INGEST_VERIFIER_CLIENT = "ingest-patient-verifier";

    static final Set<String> INGEST_VERIFIER_SCOPES = Set.of("system/Patient.u");

    private final String demoAppRedirectUri;
    private final String demoAppLaunchUrl;
    private final URI ingestClientJwksUri;
    private final List<String> ingestPartners;

    DemoLogins(
            DaoRegistry daoRegistry,
            PortalUsers users,
            ClientRegistrations clients,
            StaffSecondFactor secondFactor,
            String demoAppRedirectUri,
            String demoAppLaunchUrl,
            URI ingestClientJwksUri,
            List<String> ingestPartners) {
        this.daoRegistry = daoRegistry;
        this.users = users;
        this.clients = clients;
        this.secondFactor = secondFactor;
        this.demoAppRedirectUri = demoAppRedirectUri;
        this.demoAppLaunchUrl = demoAppLaunchUrl;
        this.ingestClientJwksUri = ingestClientJwksUri;
        this.ingestPartners = List.copyOf(ingestPartners);
    }

    @Override
    public int getOrder() {
        return DemoDataLoader.ORDER + 1;
    }

    @Override
    public void run(ApplicationArguments args) {
        List<IBaseResource> patients = first("Patient", PATIENTS.size());
        for (int i = 0; i < patients.size(); i++) {
            Patient patient = (Patient) patients.get(i);
            save(PATIENTS.get(i), "Patient/" + patient.getIdElement().getIdPart(), name(patient.getNameFirstRep()));
        }
        List<IBaseResource> practitioners = first("Practitioner", 1);
        if (!practitioners.isEmpty()) {
            Practitioner practitioner = (Practitioner) practitioners.get(0);
            for (Login login : STAFF) {
                save(
                        login,
                        "Practitioner/" + practitioner.getIdElement().getIdPart(),
                        name(practitioner.getNameFirstRep()));
                secondFactor.enrolDemo(login.username(), STAFF_TOTP_KEY);
            }
            patients.forEach(patient -> bookWithDemoClinician((Patient) patient, practitioner));
        }
        clients.registerPublicApp(DEMO_APP, "Demo patient app", demoAppRedirectUri, demoAppLaunchUrl, DEMO_APP_SCOPES);
        for (String partner : ingestPartners) {
            clients.registerBackendService(
                    INGEST_CLIENT_PREFIX + partner,
                    "ingest-adapters for " + partner,
                    ingestClientJwksUri,
                    INGEST_SCOPES,
                    new SystemRole.Partner(partner));
        }
        clients.registerBackendService(
                INGEST_VERIFIER_CLIENT,
                "ingest-adapters' patient verification",
                ingestClientJwksUri,
                INGEST_VERIFIER_SCOPES,
                new SystemRole.PatientVerifier());
        log.warn(
                "Demo logins provisioned for {} people, the public client '{}' and the partner clients of"
                        + " ingest-adapters for {} (embedded default only)",
                patients.size() + (practitioners.isEmpty() ? 0 : STAFF.size()),
                DEMO_APP,
                ingestPartners);
    }

    /**
     * A booked appointment of the demo patient with the demo clinician, so that the README's clinician
     * path finds that patient in the EHR simulator, which lists only a clinician's own patients.
     * Conditional on its identifier: made once, on the first start.
     */
    private void bookWithDemoClinician(Patient patient, Practitioner practitioner) {
        String patientId = patient.getIdElement().getIdPart();
        ZonedDateTime start =
                ZonedDateTime.now(LONDON).plusDays(1).withHour(9).withMinute(30).truncatedTo(ChronoUnit.MINUTES);
        Appointment appointment = new Appointment()
                .setStatus(Appointment.AppointmentStatus.BOOKED)
                .setDescription("Review with the demo clinician")
                .setStartElement(new InstantType(Date.from(start.toInstant())))
                .setEndElement(new InstantType(Date.from(start.plusMinutes(15).toInstant())));
        appointment.addIdentifier().setSystem(DEMO_APPOINTMENT_SYSTEM).setValue("demo-clinician-" + patientId);
        appointment
                .addParticipant()
                .setActor(new Reference("Patient/" + patientId))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        appointment
                .addParticipant()
                .setActor(new Reference(
                        "Practitioner/" + practitioner.getIdElement().getIdPart()))
                .setStatus(Appointment.ParticipationStatus.ACCEPTED);
        daoRegistry
                .getResourceDao(Appointment.class)
                .create(
                        appointment,
                        "identifier=" + DEMO_APPOINTMENT_SYSTEM + "|demo-clinician-" + patientId,
                        new SystemRequestDetails());
    }

    private void save(Login login, String fhirUser, String displayName) {
        users.save(login.username(), login.password(), login.role(), fhirUser, displayName);
    }

    private List<IBaseResource> first(String type, int count) {
        SearchParameterMap map =
                SearchParameterMap.newSynchronous().setCount(count).setSort(new SortSpec("_id"));
        return daoRegistry
                .getResourceDao(type)
                .search(map, new SystemRequestDetails())
                .getResources(0, count);
    }

    private static String name(HumanName name) {
        return name.isEmpty() ? "Demo user" : name.getNameAsSingleString();
    }
}
