package io.healthportal.demo;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;

/**
 * The fictitious care provider every demo patient is registered with: one organisation, its sites
 * and its doctors. Fixed rather than seeded, so the shared resources are the same whatever the seed
 * and any seed's patients can refer to them.
 */
final class CareSetting {

    static final String ODS_ORGANIZATION_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
    static final String ODS_SITE_SYSTEM = "https://fhir.nhs.uk/Id/ods-site-code";
    static final String GMC_SYSTEM = "https://fhir.hl7.org.uk/Id/gmc-number";

    // ODS-shaped but fictitious: the trust-style code and its site codes are not issued to anyone we know of.
    static final String ORGANIZATION_ODS_CODE = "R9Z";
    static final String ORGANIZATION_NAME = "Aire Valley Health Partnership";
    static final String ORGANIZATION_PHONE = "0113 496 0000";

    enum SiteKind {
        GP_SURGERY,
        OUTPATIENT_CLINIC,
        HOSPITAL_WARD
    }

    record Site(
            String odsSiteCode,
            String name,
            SiteKind kind,
            String line,
            String town,
            String county,
            String postcode,
            String phone) {}

    /** A clinic session: slots run from {@code start} to {@code end} every 15 minutes. */
    record Session(DayOfWeek day, LocalTime start, LocalTime end) {}

    enum Role {
        GP("394814009", "General practice (specialty)"),
        DIABETES("394583002", "Endocrinology (qualifier value)"),
        CARDIOLOGY("394579002", "Cardiology (qualifier value)"),
        RESPIRATORY("418112009", "Pulmonary medicine (qualifier value)");

        final String specialtyCode;
        final String specialtyDisplay;

        Role(String specialtyCode, String specialtyDisplay) {
            this.specialtyCode = specialtyCode;
            this.specialtyDisplay = specialtyDisplay;
        }
    }

    record Clinician(
            String gmcNumber,
            String prefix,
            String given,
            String family,
            boolean female,
            Role role,
            Site site,
            List<Session> sessions) {
        String displayName() {
            return prefix + " " + given + " " + family;
        }
    }

    static final Site KIRKGATE = new Site(
            "R9Z01",
            "Kirkgate Health Centre",
            SiteKind.GP_SURGERY,
            "14 Kirkgate",
            "Leeds",
            "West Yorkshire",
            "LS2 7DJ",
            "0113 496 0101");
    static final Site OTLEY_ROAD = new Site(
            "R9Z02",
            "Otley Road Medical Practice",
            SiteKind.GP_SURGERY,
            "212 Otley Road",
            "Leeds",
            "West Yorkshire",
            "LS16 5AB",
            "0113 496 0202");
    static final Site WHARFEDALE = new Site(
            "R9Z03",
            "Wharfedale Outpatient Clinic",
            SiteKind.OUTPATIENT_CLINIC,
            "Newall Carr Road",
            "Otley",
            "West Yorkshire",
            "LS21 2LY",
            "01632 960303");
    static final Site AIRE_WARD = new Site(
            "R9Z04",
            "Aire Valley Hospital, Ward 12",
            SiteKind.HOSPITAL_WARD,
            "Skipton Road",
            "Keighley",
            "West Yorkshire",
            "BD20 6TD",
            "01632 960404");

    static final List<Site> SITES = List.of(KIRKGATE, OTLEY_ROAD, WHARFEDALE, AIRE_WARD);

    private static final LocalTime MORNING_START = LocalTime.of(9, 0);
    private static final LocalTime MORNING_END = LocalTime.of(12, 30);
    private static final LocalTime AFTERNOON_START = LocalTime.of(14, 0);
    private static final LocalTime AFTERNOON_END = LocalTime.of(17, 0);

    // GMC-shaped seven-digit numbers in a block (99xxxxx) the GMC has not reached.
    static final List<Clinician> CLINICIANS = List.of(
            new Clinician(
                    "9900101",
                    "Dr",
                    "Priya",
                    "Sharma",
                    true,
                    Role.GP,
                    KIRKGATE,
                    List.of(morning(MONDAY), afternoon(TUESDAY), morning(THURSDAY))),
            new Clinician(
                    "9900102",
                    "Dr",
                    "James",
                    "Whitaker",
                    false,
                    Role.GP,
                    KIRKGATE,
                    List.of(morning(TUESDAY), morning(WEDNESDAY), afternoon(FRIDAY))),
            new Clinician(
                    "9900103",
                    "Dr",
                    "Aisha",
                    "Okafor",
                    true,
                    Role.GP,
                    OTLEY_ROAD,
                    List.of(morning(MONDAY), afternoon(WEDNESDAY), morning(THURSDAY))),
            new Clinician(
                    "9900104",
                    "Dr",
                    "Thomas",
                    "Hughes",
                    false,
                    Role.GP,
                    OTLEY_ROAD,
                    List.of(afternoon(MONDAY), morning(TUESDAY), morning(FRIDAY))),
            new Clinician(
                    "9900105",
                    "Dr",
                    "Sanjay",
                    "Mistry",
                    false,
                    Role.GP,
                    KIRKGATE,
                    List.of(afternoon(MONDAY), morning(WEDNESDAY), morning(FRIDAY))),
            new Clinician(
                    "9900106", "Dr", "Eleanor", "Marsh", true, Role.DIABETES, WHARFEDALE, List.of(morning(WEDNESDAY))),
            new Clinician(
                    "9900107", "Dr", "Richard", "Lowe", false, Role.CARDIOLOGY, WHARFEDALE, List.of(morning(MONDAY))),
            new Clinician(
                    "9900108",
                    "Dr",
                    "Fiona",
                    "Campbell",
                    true,
                    Role.RESPIRATORY,
                    WHARFEDALE,
                    List.of(morning(FRIDAY))));

    private CareSetting() {}

    static List<Clinician> clinicians(Role role) {
        return CLINICIANS.stream().filter(c -> c.role() == role).toList();
    }

    private static Session morning(DayOfWeek day) {
        return new Session(day, MORNING_START, MORNING_END);
    }

    private static Session afternoon(DayOfWeek day) {
        return new Session(day, AFTERNOON_START, AFTERNOON_END);
    }

    static String practitionerQuery(Clinician clinician) {
        return "identifier=" + GMC_SYSTEM + "|" + clinician.gmcNumber();
    }

    static String siteQuery(Site site) {
        return "identifier=" + ODS_SITE_SYSTEM + "|" + site.odsSiteCode();
    }

    static String organizationQuery() {
        return "identifier=" + ODS_ORGANIZATION_SYSTEM + "|" + ORGANIZATION_ODS_CODE;
    }
}
