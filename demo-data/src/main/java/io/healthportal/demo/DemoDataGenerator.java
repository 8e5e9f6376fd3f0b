package io.healthportal.demo;

import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;

/**
 * Generates synthetic UK demo data as FHIR R4 transaction Bundles, deterministically: the same seed
 * and the same {@code today} give byte-identical output (ids, times and values), whatever the
 * machine's time zone or the order in which patients are asked for.
 *
 * <p>Load {@link #sharedResources()} first: patient bundles refer to its organisation, sites and
 * practitioners with conditional references such as {@code
 * Practitioner?identifier=https://fhir.hl7.org.uk/Id/gmc-number|9900101}. Each patient bundle
 * creates its Patient conditionally on the NHS number, and everything else in it unconditionally,
 * so loading the same patient twice duplicates the clinical record but not the Patient.
 *
 * <p>Every resource is tagged {@value #SYNTHETIC_TAG_SYSTEM}|{@value #SYNTHETIC_TAG_CODE} (test
 * health data). All NHS numbers are from the test range 999 000 0000 to 999 999 9999 and all
 * telephone numbers from Ofcom's drama ranges.
 *
 * <p>Instances are immutable and safe to use from several threads; each call builds new resources.
 */
public final class DemoDataGenerator {

    /** The tag every generated resource carries, for {@code _tag} searches and clean-up. */
    public static final String SYNTHETIC_TAG_SYSTEM = DemoTags.SYSTEM;

    public static final String SYNTHETIC_TAG_CODE = DemoTags.CODE;

    /** The identifier system of the local medical record number each Patient carries. */
    public static final String MRN_SYSTEM = PatientProfile.MRN_SYSTEM;

    /** The identifier system of the practitioners' GMC-style numbers. */
    public static final String GMC_SYSTEM = CareSetting.GMC_SYSTEM;

    /** The smallest {@code resourcesPerPatient} accepted. */
    public static final int MINIMUM_RESOURCES_PER_PATIENT = PatientRecordWriter.MINIMUM_RESOURCES;

    /** Patient indexes run from 0 to one less than this. */
    public static final int MAX_PATIENTS = PatientRecordWriter.MAX_PATIENTS;

    private final long seed;
    private final LocalDate today;
    private final PatientRecordWriter patients;

    /**
     * @param seed chooses the data; the same seed gives the same data
     * @param today the day the data is generated for, in Europe/London: history lies before it and
     *     slots and booked appointments after it
     */
    public DemoDataGenerator(long seed, LocalDate today) {
        this.seed = seed;
        this.today = Objects.requireNonNull(today, "today");
        this.patients = new PatientRecordWriter(seed, today);
    }

    /**
     * A transaction of the care setting: the Organization, its Locations, Practitioners,
     * PractitionerRoles, one Schedule per role and 15-minute Slots (some busy) in weekday clinic
     * sessions over the four weeks after {@code today}, skipping bank holidays in England. Every
     * entry is a conditional create on an identifier, so loading it again adds nothing.
     */
    public Bundle sharedResources() {
        return new CareSettingWriter(seed, today).write();
    }

    /**
     * One transaction per patient, for patients {@code firstPatientIndex} to {@code
     * firstPatientIndex + count - 1}, generated lazily. A patient's bundle depends only on the seed,
     * {@code today}, its index and {@code resourcesPerPatient}, so ranges can be generated
     * separately or in parallel.
     *
     * @param resourcesPerPatient entries per bundle; each bundle has exactly this many
     * @throws IllegalArgumentException if the range leaves [0, {@link #MAX_PATIENTS}) or {@code
     *     resourcesPerPatient} is below {@link #MINIMUM_RESOURCES_PER_PATIENT}
     */
    public Stream<Bundle> patientBundles(int firstPatientIndex, int count, int resourcesPerPatient) {
        if (firstPatientIndex < 0 || count < 0 || (long) firstPatientIndex + count > MAX_PATIENTS) {
            throw new IllegalArgumentException("Patients " + firstPatientIndex + " to "
                    + ((long) firstPatientIndex + count - 1) + " are outside [0, " + MAX_PATIENTS + ")");
        }
        if (resourcesPerPatient < MINIMUM_RESOURCES_PER_PATIENT) {
            throw new IllegalArgumentException("resourcesPerPatient must be at least " + MINIMUM_RESOURCES_PER_PATIENT
                    + ": " + resourcesPerPatient);
        }
        return IntStream.range(firstPatientIndex, firstPatientIndex + count)
                .mapToObj(index -> patientBundle(index, resourcesPerPatient));
    }

    /** The transaction for one patient; see {@link #patientBundles(int, int, int)}. */
    public Bundle patientBundle(int patientIndex, int resourcesPerPatient) {
        return patients.write(patientIndex, resourcesPerPatient);
    }

    /** The NHS number of the patient at {@code patientIndex}, e.g. to link a demo login to it. */
    public NhsNumber nhsNumber(int patientIndex) {
        if (patientIndex < 0 || patientIndex >= MAX_PATIENTS) {
            throw new IllegalArgumentException("patientIndex must be in [0, " + MAX_PATIENTS + "): " + patientIndex);
        }
        return patients.nhsNumber(patientIndex);
    }

    /** The number of resources (entries) in a bundle. */
    public static int resourceCount(Bundle bundle) {
        return bundle.getEntry().size();
    }

    /** The number of resources in a bundle by resource type, in alphabetical order of type. */
    public static Map<String, Integer> resourceCountsByType(Bundle bundle) {
        Map<String, Integer> counts = new TreeMap<>();
        for (BundleEntryComponent entry : bundle.getEntry()) {
            counts.merge(entry.getResource().fhirType(), 1, Integer::sum);
        }
        return counts;
    }
}
