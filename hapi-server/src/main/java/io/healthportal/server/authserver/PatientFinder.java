package io.healthportal.server.authserver;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Finds patients by name or NHS number, and a patient's encounters, for the pages where a clinician
 * chooses a patient (the EHR simulator and the patient picker). It reads through HAPI's DAOs as the
 * server itself. {@link #find} lists only the patients a {@link ClinicianReach.Reach} includes.
 */
public class PatientFinder {

    static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
    static final int MAX_RESULTS = 20;
    private static final Pattern NHS_NUMBER = Pattern.compile("\\d{10}");
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    /** A patient as a chooser lists them. */
    public record PatientSummary(String id, String name, String birthDate, String nhsNumber) {}

    /** An encounter as a chooser lists it. */
    public record EncounterSummary(String id, String description) {}

    private final DaoRegistry daos;

    PatientFinder(DaoRegistry daos) {
        this.daos = daos;
    }

    /**
     * Patients within {@code reach} whose NHS number is {@code query} (spaces ignored) or whose name starts
     * with it.
     */
    List<PatientSummary> find(String query, ClinicianReach.Reach reach) {
        String trimmed = query == null ? "" : query.strip();
        if (trimmed.isEmpty() || (!reach.breakGlass() && reach.related().isEmpty())) {
            return List.of();
        }
        String digits = trimmed.replace(" ", "");
        SearchParameterMap search = SearchParameterMap.newSynchronous().setCount(MAX_RESULTS);
        if (!reach.breakGlass()) {
            TokenOrListParam ids = new TokenOrListParam();
            reach.related().forEach(id -> ids.addOr(new TokenParam(id)));
            search.add(IAnyResource.SP_RES_ID, ids);
        }
        if (NHS_NUMBER.matcher(digits).matches()) {
            search.add(Patient.SP_IDENTIFIER, new TokenParam(NHS_NUMBER_SYSTEM, digits));
        } else {
            search.add(Patient.SP_NAME, new StringParam(trimmed));
            search.setSort(new SortSpec(Patient.SP_FAMILY));
        }
        return daos
                .getResourceDao(Patient.class)
                .search(search, new SystemRequestDetails())
                .getResources(0, MAX_RESULTS)
                .stream()
                .map(resource -> summary((Patient) resource))
                .toList();
    }

    /** The patient with this id, if there is one. */
    public Optional<PatientSummary> patient(String id) {
        if (id == null || !FHIR_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(summary(
                    daos.getResourceDao(Patient.class).read(new IdType("Patient", id), new SystemRequestDetails())));
        } catch (BaseServerResponseException notFoundOrGone) {
            return Optional.empty();
        }
    }

    /** The patient's encounters, newest first. */
    public List<EncounterSummary> encounters(String patientId) {
        SearchParameterMap search = SearchParameterMap.newSynchronous()
                .setCount(MAX_RESULTS)
                .add(Encounter.SP_SUBJECT, new ReferenceParam("Patient/" + patientId));
        search.setSort(new SortSpec(Encounter.SP_DATE, SortOrderEnum.DESC));
        List<IBaseResource> found = daos.getResourceDao(Encounter.class)
                .search(search, new SystemRequestDetails())
                .getResources(0, MAX_RESULTS);
        return found.stream().map(resource -> summary((Encounter) resource)).toList();
    }

    private static PatientSummary summary(Patient patient) {
        String nhsNumber = patient.getIdentifier().stream()
                .filter(identifier -> NHS_NUMBER_SYSTEM.equals(identifier.getSystem()))
                .map(Identifier::getValue)
                .findFirst()
                .map(PatientFinder::spaced)
                .orElse("none recorded");
        return new PatientSummary(
                patient.getIdElement().getIdPart(),
                patient.hasName() ? patient.getNameFirstRep().getNameAsSingleString() : "No name recorded",
                patient.hasBirthDate() ? patient.getBirthDateElement().getValueAsString() : "unknown",
                nhsNumber);
    }

    private static EncounterSummary summary(Encounter encounter) {
        String start = encounter.getPeriod().getStartElement().getValueAsString();
        String when = start == null ? "date unknown" : start.substring(0, Math.min(10, start.length()));
        String what = encounter.hasType() && encounter.getTypeFirstRep().hasText()
                ? encounter.getTypeFirstRep().getText()
                : encounter.getTypeFirstRep().getCodingFirstRep().hasDisplay()
                        ? encounter.getTypeFirstRep().getCodingFirstRep().getDisplay()
                        : encounter.getClass_().hasDisplay()
                                ? encounter.getClass_().getDisplay()
                                : "Encounter";
        String status =
                encounter.hasStatus() ? encounter.getStatus().getDisplay().toLowerCase(java.util.Locale.ROOT) : "";
        return new EncounterSummary(
                encounter.getIdElement().getIdPart(),
                when + ": " + what + (status.isEmpty() ? "" : " (" + status + ")"));
    }

    /** An NHS number as people read it: 3, 3 and 4 digits. */
    private static String spaced(String number) {
        return number != null && number.length() == 10
                ? number.substring(0, 3) + " " + number.substring(3, 6) + " " + number.substring(6)
                : String.valueOf(number);
    }
}
