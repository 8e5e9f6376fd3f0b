package io.healthportal.ingest.hl7v2;

import java.util.Map;
import org.hl7.fhir.r4.model.Coding;

/**
 * The HL7 v2 tables whose codes the v2-to-FHIR IG's vocabulary maps carry over unchanged into FHIR's
 * {@code http://terminology.hl7.org/CodeSystem/v2-nnnn} code systems (AdmissionType, IdentifierType,
 * Relationship, ContactRole, ...), with R4's display for each code. Only a code the R4 code system holds
 * is given that system: partners send local codes under table names, and a v2 system with a code
 * outside it would not validate. The codes and displays are those of FHIR R4's v2 code systems.
 */
final class Hl7Tables {

    private Hl7Tables() {}

    /** The code in table {@code table} (four digits, e.g. "0203") as a v2 coding, or null when not in it. */
    static Coding coding(String table, String code) {
        if (code == null) {
            return null;
        }
        String display = TABLES.getOrDefault(table, Map.of()).get(code);
        return display == null ? null : new Coding("http://terminology.hl7.org/CodeSystem/v2-" + table, code, display);
    }

    static boolean contains(String table, String code) {
        return code != null && TABLES.getOrDefault(table, Map.of()).containsKey(code);
    }

    private static final Map<String, String> T0007 = Map.ofEntries(
            Map.entry("A", "Accident"),
            Map.entry("C", "Elective"),
            Map.entry("E", "Emergency"),
            Map.entry("L", "Labor and Delivery"),
            Map.entry("N", "Newborn (Birth in healthcare facility)"),
            Map.entry("R", "Routine"),
            Map.entry("U", "Urgent"));

    private static final Map<String, String> T0009 = Map.ofEntries(
            Map.entry("A0", "No functional limitations"),
            Map.entry("A1", "Ambulates with assistive device"),
            Map.entry("A2", "Wheelchair/stretcher bound"),
            Map.entry("A3", "Comatose; non-responsive"),
            Map.entry("A4", "Disoriented"),
            Map.entry("A5", "Vision impaired"),
            Map.entry("A6", "Hearing impaired"),
            Map.entry("A7", "Speech impaired"),
            Map.entry("A8", "Non-English speaking"),
            Map.entry("A9", "Functional level unknown"),
            Map.entry("B1", "Oxygen therapy"),
            Map.entry("B2", "Special equipment (tubes, IVs, catheters)"),
            Map.entry("B3", "Amputee"),
            Map.entry("B4", "Mastectomy"),
            Map.entry("B5", "Paraplegic"),
            Map.entry("B6", "Pregnant"));

    private static final Map<String, String> T0023 = Map.ofEntries(
            Map.entry("1", "Physician referral"),
            Map.entry("2", "Clinic referral"),
            Map.entry("3", "HMO referral"),
            Map.entry("4", "Transfer from a hospital"),
            Map.entry("5", "Transfer from a skilled nursing facility"),
            Map.entry("6", "Transfer from another health care facility"),
            Map.entry("7", "Emergency room"),
            Map.entry("8", "Court/law enforcement"),
            Map.entry("9", "Information not available"));

    private static final Map<String, String> T0052 =
            Map.ofEntries(Map.entry("A", "Admitting"), Map.entry("F", "Final"), Map.entry("W", "Working"));

    private static final Map<String, String> T0063 = Map.ofEntries(
            Map.entry("ASC", "Associate"),
            Map.entry("BRO", "Brother"),
            Map.entry("CGV", "Care giver"),
            Map.entry("CHD", "Child"),
            Map.entry("DEP", "Handicapped dependent"),
            Map.entry("DOM", "Life partner"),
            Map.entry("EMC", "Emergency contact"),
            Map.entry("EME", "Employee"),
            Map.entry("EMR", "Employer"),
            Map.entry("EXF", "Extended family"),
            Map.entry("FCH", "Foster child"),
            Map.entry("FND", "Friend"),
            Map.entry("FTH", "Father"),
            Map.entry("GCH", "Grandchild"),
            Map.entry("GRD", "Guardian"),
            Map.entry("GRP", "Grandparent"),
            Map.entry("MGR", "Manager"),
            Map.entry("MTH", "Mother"),
            Map.entry("NCH", "Natural child"),
            Map.entry("NON", "None"),
            Map.entry("OAD", "Other adult"),
            Map.entry("OTH", "Other"),
            Map.entry("OWN", "Owner"),
            Map.entry("PAR", "Parent"),
            Map.entry("SCH", "Stepchild"),
            Map.entry("SEL", "Self"),
            Map.entry("SIB", "Sibling"),
            Map.entry("SIS", "Sister"),
            Map.entry("SPO", "Spouse"),
            Map.entry("TRA", "Trainer"),
            Map.entry("UNK", "Unknown"),
            Map.entry("WRD", "Ward of court"));

    private static final Map<String, String> T0069 = Map.ofEntries(
            Map.entry("CAR", "Cardiac Service"),
            Map.entry("MED", "Medical Service"),
            Map.entry("PUL", "Pulmonary Service"),
            Map.entry("SUR", "Surgical Service"),
            Map.entry("URO", "Urology Service"));

    private static final Map<String, String> T0074 = Map.ofEntries(
            Map.entry("AU", "Audiology"),
            Map.entry("BG", "Blood Gases"),
            Map.entry("BLB", "Blood Bank"),
            Map.entry("CG", "Cytogenetics"),
            Map.entry("CH", "Chemistry"),
            Map.entry("CP", "Cytopathology"),
            Map.entry("CT", "CAT Scan"),
            Map.entry("CTH", "Cardiac Catheterization"),
            Map.entry("CUS", "Cardiac Ultrasound"),
            Map.entry("EC", "Electrocardiac (e.g., EKG, EEC, Holter)"),
            Map.entry("EN", "Electroneuro (EEG, EMG,EP,PSG)"),
            Map.entry("GE", "Genetics"),
            Map.entry("HM", "Hematology"),
            Map.entry("ICU", "Bedside ICU Monitoring"),
            Map.entry("IMG", "Diagnostic Imaging"),
            Map.entry("IMM", "Immunology"),
            Map.entry("LAB", "Laboratory"),
            Map.entry("MB", "Microbiology"),
            Map.entry("MCB", "Mycobacteriology"),
            Map.entry("MYC", "Mycology"),
            Map.entry("NMR", "Nuclear Magnetic Resonance"),
            Map.entry("NMS", "Nuclear Medicine Scan"),
            Map.entry("NRS", "Nursing Service Measures"),
            Map.entry("OSL", "Outside Lab"),
            Map.entry("OT", "Occupational Therapy"),
            Map.entry("OTH", "Other"),
            Map.entry("OUS", "OB Ultrasound"),
            Map.entry("PAR", "Parasitology"),
            Map.entry("PAT", "Pathology (gross & histopath, not surgical)"),
            Map.entry("PF", "Pulmonary Function"),
            Map.entry("PHR", "Pharmacy"),
            Map.entry("PHY", "Physician (Hx. Dx, admission note, etc.)"),
            Map.entry("PT", "Physical Therapy"),
            Map.entry("RAD", "Radiology"),
            Map.entry("RC", "Respiratory Care (therapy)"),
            Map.entry("RT", "Radiation Therapy"),
            Map.entry("RUS", "Radiology Ultrasound"),
            Map.entry("RX", "Radiograph"),
            Map.entry("SP", "Surgical Pathology"),
            Map.entry("SR", "Serology"),
            Map.entry("TX", "Toxicology"),
            Map.entry("URN", "Urinalysis"),
            Map.entry("VR", "Virology"),
            Map.entry("VUS", "Vascular Ultrasound"),
            Map.entry("XRC", "Cineradiograph"));

    private static final Map<String, String> T0092 = Map.ofEntries(Map.entry("R", "Re-admission"));

    private static final Map<String, String> T0127 = Map.ofEntries(
            Map.entry("AA", "Animal Allergy"),
            Map.entry("DA", "Drug allergy"),
            Map.entry("EA", "Environmental Allergy"),
            Map.entry("FA", "Food allergy"),
            Map.entry("LA", "Pollen Allergy"),
            Map.entry("MA", "Miscellaneous allergy"),
            Map.entry("MC", "Miscellaneous contraindication"),
            Map.entry("PA", "Plant Allergy"));

    private static final Map<String, String> T0128 = Map.ofEntries(
            Map.entry("MI", "Mild"), Map.entry("MO", "Moderate"), Map.entry("SV", "Severe"), Map.entry("U", "Unknown"));

    private static final Map<String, String> T0131 = Map.ofEntries(
            Map.entry("BP", "Billing contact person"),
            Map.entry("C", "Emergency Contact"),
            Map.entry("CP", "Contact person"),
            Map.entry("E", "Employer"),
            Map.entry("EP", "Emergency contact person"),
            Map.entry("F", "Federal Agency"),
            Map.entry("I", "Insurance Company"),
            Map.entry("N", "Next-of-Kin"),
            Map.entry("O", "Other"),
            Map.entry("PR", "Person preparing referral"),
            Map.entry("S", "State Agency"),
            Map.entry("U", "Unknown"));

    private static final Map<String, String> T0136 = Map.ofEntries(Map.entry("N", "No"), Map.entry("Y", "Yes"));

    private static final Map<String, String> T0189 = Map.ofEntries(
            Map.entry("H", "Hispanic or Latino"), Map.entry("N", "Not Hispanic or Latino"), Map.entry("U", "Unknown"));

    private static final Map<String, String> T0203 = Map.ofEntries(
            Map.entry("AC", "Accreditation/Certification Identifier"),
            Map.entry("ACSN", "Accession ID"),
            Map.entry("AM", "American Express"),
            Map.entry("AMA", "American Medical Association Number"),
            Map.entry("AN", "Account number"),
            Map.entry("ANC", "Account number Creditor"),
            Map.entry("AND", "Account number debitor"),
            Map.entry("ANON", "Anonymous identifier"),
            Map.entry("ANT", "Temporary Account Number"),
            Map.entry("APRN", "Advanced Practice Registered Nurse number"),
            Map.entry("ASID", "Ancestor Specimen ID"),
            Map.entry("BA", "Bank Account Number"),
            Map.entry("BC", "Bank Card Number"),
            Map.entry("BCFN", "Birth Certificate File Number"),
            Map.entry("BCT", "Birth Certificate"),
            Map.entry("BR", "Birth registry number"),
            Map.entry("BRN", "Breed Registry Number"),
            Map.entry("BSNR", "Primary physician office number"),
            Map.entry("CC", "Cost Center number"),
            Map.entry("CONM", "Change of Name Document"),
            Map.entry("CY", "County number"),
            Map.entry("CZ", "Citizenship Card"),
            Map.entry("DC", "Death Certificate ID"),
            Map.entry("DCFN", "Death Certificate File Number"),
            Map.entry("DDS", "Dentist license number"),
            Map.entry("DEA", "Drug Enforcement Administration registration number"),
            Map.entry("DFN", "Drug Furnishing or prescriptive authority Number"),
            Map.entry("DI", "Diner's Club card"),
            Map.entry("DL", "Driver's license number"),
            Map.entry("DN", "Doctor number"),
            Map.entry("DO", "Osteopathic License number"),
            Map.entry("DP", "Diplomatic Passport"),
            Map.entry("DPM", "Podiatrist license number"),
            Map.entry("DR", "Donor Registration Number"),
            Map.entry("DS", "Discover Card"),
            Map.entry("EI", "Employee number"),
            Map.entry("EN", "Employer number"),
            Map.entry("ESN", "Staff Enterprise Number"),
            Map.entry("FDR", "Fetal Death Report ID"),
            Map.entry("FDRFN", "Fetal Death Report File Number"),
            Map.entry("FI", "Facility ID"),
            Map.entry("FILL", "Filler Identifier"),
            Map.entry("GI", "Guarantor internal identifier"),
            Map.entry("GL", "General ledger number"),
            Map.entry("GN", "Guarantor external identifier"),
            Map.entry("HC", "Health Card Number"),
            Map.entry("IND", "Indigenous/Aboriginal"),
            Map.entry("JHN", "Jurisdictional health number (Canada)"),
            Map.entry("LACSN", "Laboratory Accession ID"),
            Map.entry("LANR", "Lifelong physician number"),
            Map.entry("LI", "Labor and industries number"),
            Map.entry("LN", "License number"),
            Map.entry("LR", "Local Registry ID"),
            Map.entry("MA", "Patient Medicaid number"),
            Map.entry("MB", "Member Number"),
            Map.entry("MC", "Patient's Medicare number"),
            Map.entry("MCD", "Practitioner Medicaid number"),
            Map.entry("MCN", "Microchip Number"),
            Map.entry("MCR", "Practitioner Medicare number"),
            Map.entry("MCT", "Marriage Certificate"),
            Map.entry("MD", "Medical License number"),
            Map.entry("MI", "Military ID number"),
            Map.entry("MR", "Medical record number"),
            Map.entry("MRT", "Temporary Medical Record Number"),
            Map.entry("MS", "MasterCard"),
            Map.entry("NBSNR", "Secondary physician office number"),
            Map.entry("NCT", "Naturalization Certificate"),
            Map.entry("NE", "National employer identifier"),
            Map.entry("NH", "National Health Plan Identifier"),
            Map.entry("NI", "National unique individual identifier"),
            Map.entry("NII", "National Insurance Organization Identifier"),
            Map.entry("NIIP", "National Insurance Payor Identifier (Payor)"),
            Map.entry(
                    "NNxxx",
                    "National Person Identifier where the xxx is the ISO table 3166 3-character (alphabetic) country code"),
            Map.entry("NP", "Nurse practitioner number"),
            Map.entry("NPI", "National provider identifier"),
            Map.entry("OBI", "Observation Instance Identifier"),
            Map.entry("OD", "Optometrist license number"),
            Map.entry("PA", "Physician Assistant number"),
            Map.entry("PC", "Parole Card"),
            Map.entry("PCN", "Penitentiary/correctional institution Number"),
            Map.entry("PE", "Living Subject Enterprise Number"),
            Map.entry("PEN", "Pension Number"),
            Map.entry("PHC", "Public Health Case Identifier"),
            Map.entry("PHE", "Public Health Event Identifier"),
            Map.entry("PHO", "Public Health Official ID"),
            Map.entry("PI", "Patient internal identifier"),
            Map.entry("PLAC", "Placer Identifier"),
            Map.entry("PN", "Person number"),
            Map.entry("PNT", "Temporary Living Subject Number"),
            Map.entry("PPIN", "Medicare/CMS Performing Provider Identification Number"),
            Map.entry("PPN", "Passport number"),
            Map.entry("PRC", "Permanent Resident Card Number"),
            Map.entry("PRN", "Provider number"),
            Map.entry("PT", "Patient external identifier"),
            Map.entry("QA", "QA number"),
            Map.entry("RI", "Resource identifier"),
            Map.entry("RN", "Registered Nurse Number"),
            Map.entry("RPH", "Pharmacist license number"),
            Map.entry("RR", "Railroad Retirement number"),
            Map.entry("RRI", "Regional registry ID"),
            Map.entry("RRP", "Railroad Retirement Provider"),
            Map.entry("SB", "Social Beneficiary Identifier"),
            Map.entry("SID", "Specimen ID"),
            Map.entry("SL", "State license"),
            Map.entry("SN", "Subscriber Number"),
            Map.entry("SNBSN", "State assigned NDBS card Identifier"),
            Map.entry("SNO", "Serial Number"),
            Map.entry("SP", "Study Permit"),
            Map.entry("SR", "State registry ID"),
            Map.entry("SS", "Social Security number"),
            Map.entry("STN", "Shipment Tracking Number"),
            Map.entry("TAX", "Tax ID number"),
            Map.entry("TN", "Treaty Number/ (Canada)"),
            Map.entry("TPR", "Temporary Permanent Resident (Canada)"),
            Map.entry("TRL", "Training License Number"),
            Map.entry("U", "Unspecified identifier"),
            Map.entry("UDI", "Universal Device Identifier"),
            Map.entry("UPIN", "Medicare/CMS (formerly HCFA)'s Universal Physician Identification numbers"),
            Map.entry("USID", "Unique Specimen ID"),
            Map.entry("VN", "Visit number"),
            Map.entry("VP", "Visitor Permit"),
            Map.entry("VS", "VISA"),
            Map.entry("WC", "WIC identifier"),
            Map.entry("WCN", "Workers' Comp Number"),
            Map.entry("WP", "Work Permit"),
            Map.entry("XV", "Health Plan Identifier"),
            Map.entry("XX", "Organization identifier"));

    private static final Map<String, String> T0215 = Map.ofEntries(
            Map.entry("F", "Family only"),
            Map.entry("N", "No Publicity"),
            Map.entry("O", "Other"),
            Map.entry("U", "Unknown"));

    private static final Map<String, String> T0230 = Map.ofEntries(
            Map.entry("A", "Anesthesia"),
            Map.entry("D", "Diagnostic procedure"),
            Map.entry("I", "Invasive procedure not classified elsewhere (e.g., IV, catheter, etc.)"),
            Map.entry("P", "Procedure for treatment (therapeutic, including operations)"));

    private static final Map<String, String> T0231 = Map.ofEntries(
            Map.entry("F", "Full-time student"), Map.entry("N", "Not a student"), Map.entry("P", "Part-time student"));

    private static final Map<String, String> T0322 = Map.ofEntries(
            Map.entry("CP", "Complete"),
            Map.entry("NA", "Not Administered"),
            Map.entry("PA", "Partially Administered"),
            Map.entry("RE", "Refused"));

    private static final Map<String, String> T0369 = Map.ofEntries(
            Map.entry("B", "Blind Sample"),
            Map.entry("C", "Calibrator, used for initial setting of calibration"),
            Map.entry(
                    "E", "Electronic QC, used with manufactured reference providing signals that simulate QC results"),
            Map.entry("F", "Specimen used for testing proficiency of the organization performing the testing (Filler)"),
            Map.entry(
                    "G",
                    "Group (where a specimen consists of multiple individual elements that are not individually identified)"),
            Map.entry(
                    "L",
                    "Pool (aliquots of individual specimens combined to form a single specimen representing all of the components.)"),
            Map.entry("O", "Specimen used for testing Operator Proficiency"),
            Map.entry("P", "Patient (default if blank component value)"),
            Map.entry("Q", "Control specimen"),
            Map.entry("R", "Replicate (of patient sample as a control)"),
            Map.entry("V", "Verifying Calibrator, used for periodic calibration checks"));

    private static final Map<String, String> T0430 = Map.ofEntries(
            Map.entry("A", "Ambulance"),
            Map.entry("C", "Car"),
            Map.entry("F", "On foot"),
            Map.entry("H", "Helicopter"),
            Map.entry("O", "Other"),
            Map.entry("P", "Public Transport"),
            Map.entry("U", "Unknown"));

    private static final Map<String, String> T0432 = Map.ofEntries(
            Map.entry("AC", "Acute"),
            Map.entry("CH", "Chronic"),
            Map.entry("CO", "Comatose"),
            Map.entry("CR", "Critical"),
            Map.entry("IM", "Improved"),
            Map.entry("MO", "Moribund"));

    private static final Map<String, String> T0443 = Map.ofEntries(
            Map.entry("AD", "Admitting"),
            Map.entry("AI", "Assistant/Alternate Interpreter"),
            Map.entry("AP", "Administering Provider"),
            Map.entry("AT", "Attending"),
            Map.entry("CLP", "Collecting Provider"),
            Map.entry("CP", "Consulting Provider"),
            Map.entry("DP", "Dispensing Provider"),
            Map.entry("EP", "Entering Provider (probably not the same as transcriptionist?)"),
            Map.entry("FHCP", "Family Health Care Professional"),
            Map.entry("IP", "Initiating Provider (as in action by)"),
            Map.entry("MDIR", "Medical Director"),
            Map.entry("OP", "Ordering Provider"),
            Map.entry("PH", "Pharmacist (not sure how to dissect Pharmacist/Treatment Supplier's Verifier ID)"),
            Map.entry("PI", "Primary Interpreter"),
            Map.entry("PP", "Primary Care Provider"),
            Map.entry("RO", "Responsible Observer"),
            Map.entry("RP", "Referring Provider"),
            Map.entry("RT", "Referred to Provider"),
            Map.entry("TN", "Technician"),
            Map.entry("TR", "Transcriptionist"),
            Map.entry("VP", "Verifying Provider"),
            Map.entry(
                    "VPS",
                    "Verifying Pharmaceutical Supplier (not sure how to dissect Pharmacist/Treatment Supplier's Verifier ID)"),
            Map.entry(
                    "VTS",
                    "Verifying Treatment Supplier (not sure how to dissect Pharmacist/Treatment Supplier's Verifier ID)"));

    private static final Map<String, String> T0488 = Map.ofEntries(
            Map.entry("ANP", "Plates, Anaerobic"),
            Map.entry("BAP", "Plates, Blood Agar"),
            Map.entry("BCAE", "Blood Culture, Aerobic Bottle"),
            Map.entry("BCAN", "Blood Culture, Anaerobic Bottle"),
            Map.entry("BCPD", "Blood Culture, Pediatric Bottle"),
            Map.entry("BIO", "Biopsy"),
            Map.entry("CAP", "Capillary Specimen"),
            Map.entry("CATH", "Catheterized"),
            Map.entry("CVP", "Line, CVP"),
            Map.entry("EPLA", "Environmental, Plate"),
            Map.entry("ESWA", "Environmental, Swab"),
            Map.entry("FNA", "Aspiration, Fine Needle"),
            Map.entry("KOFFP", "Plate, Cough"),
            Map.entry("LNA", "Line, Arterial"),
            Map.entry("LNV", "Line, Venous"),
            Map.entry("MARTL", "Martin-Lewis Agar"),
            Map.entry("ML11", "Mod. Martin-Lewis Agar"),
            Map.entry("MLP", "Plate, Martin-Lewis"),
            Map.entry("NYP", "Plate, New York City"),
            Map.entry("PACE", "Pace, Gen-Probe"),
            Map.entry("PIN", "Pinworm Prep"),
            Map.entry("PNA", "Arterial puncture"),
            Map.entry("PRIME", "Pump Prime"),
            Map.entry("PUMP", "Pump Specimen"),
            Map.entry("QC5", "Quality Control For Micro"),
            Map.entry("SCLP", "Scalp, Fetal Vein"),
            Map.entry("SCRAPS", "Scrapings"),
            Map.entry("SHA", "Shaving"),
            Map.entry("SWA", "Swab"),
            Map.entry("SWD", "Swab, Dacron tipped"),
            Map.entry("TMAN", "Transport Media, Anaerobic"),
            Map.entry("TMCH", "Transport Media, Chalamydia"),
            Map.entry("TMM4", "Transport Media, M4"),
            Map.entry("TMMY", "Transport Media, Mycoplasma"),
            Map.entry("TMOT", "Transport Media,"),
            Map.entry("TMP", "Plate, Thayer-Martin"),
            Map.entry("TMPV", "Transport Media, PVA"),
            Map.entry("TMSC", "Transport Media, Stool Culture"),
            Map.entry("TMUP", "Transport Media, Ureaplasma"),
            Map.entry("TMVI", "Transport Media, Viral"),
            Map.entry("VENIP", "Venipuncture"),
            Map.entry("WOOD", "Swab, Wooden Shaft"));

    private static final Map<String, String> T0490 = Map.ofEntries(
            Map.entry("EX", "Expired"),
            Map.entry("QS", "Quantity not sufficient"),
            Map.entry("RA", "Missing patient ID number"),
            Map.entry("RB", "Broken container"),
            Map.entry("RC", "Clotting"),
            Map.entry("RD", "Missing collection date"),
            Map.entry("RE", "Missing patient name"),
            Map.entry("RH", "Hemolysis"),
            Map.entry("RI", "Identification problem"),
            Map.entry("RM", "Labeling"),
            Map.entry("RN", "Contamination"),
            Map.entry("RP", "Missing phlebotomist ID"),
            Map.entry("RR", "Improper storage"),
            Map.entry("RS", "Name misspelling"));

    private static final Map<String, String> T0493 = Map.ofEntries(
            Map.entry("AUT", "Autolyzed"),
            Map.entry("CFU", "Centrifuged"),
            Map.entry("CLOT", "Clotted"),
            Map.entry("CON", "Contaminated"),
            Map.entry("COOL", "Cool"),
            Map.entry("FROZ", "Frozen"),
            Map.entry("HEM", "Hemolyzed"),
            Map.entry("LIVE", "Live"),
            Map.entry("ROOM", "Room temperature"),
            Map.entry("SNR", "Sample not received"));

    private static final Map<String, Map<String, String>> TABLES = Map.ofEntries(
            Map.entry("0007", T0007),
            Map.entry("0009", T0009),
            Map.entry("0023", T0023),
            Map.entry("0052", T0052),
            Map.entry("0063", T0063),
            Map.entry("0069", T0069),
            Map.entry("0074", T0074),
            Map.entry("0092", T0092),
            Map.entry("0127", T0127),
            Map.entry("0128", T0128),
            Map.entry("0131", T0131),
            Map.entry("0136", T0136),
            Map.entry("0189", T0189),
            Map.entry("0203", T0203),
            Map.entry("0215", T0215),
            Map.entry("0230", T0230),
            Map.entry("0231", T0231),
            Map.entry("0322", T0322),
            Map.entry("0369", T0369),
            Map.entry("0430", T0430),
            Map.entry("0432", T0432),
            Map.entry("0443", T0443),
            Map.entry("0488", T0488),
            Map.entry("0490", T0490),
            Map.entry("0493", T0493));
}
