package io.healthportal.ingest.hl7v2;

import io.healthportal.ingest.config.IngestProperties.PartnerProperties;
import io.healthportal.ingest.pipeline.MappingException;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;

/**
 * PR1 as Procedure, after the IG's {@code segments/PR1[Procedure]} rows: PR1-3 code (PR1-4 its text when
 * PR1-3.9 is empty), PR1-5 performedDateTime, or with PR1-7 (minutes) a performedPeriod, PR1-6 category
 * (table 0230), PR1-8 anaesthetist, PR1-11 surgeon and PR1-12 procedure practitioner performers (the
 * first two with the IG's SNOMED CT functions), PR1-15 reasonCode, PR1-19 identifier, PR1-23 location,
 * PR1-25 partOf (a logical reference by the parent's identifier). The IG gives no status: a PR1 says that a
 * procedure was, or is to be, done, not whether it was completed, so it is {@code unknown}. A procedure is
 * identified by the patient, its code and its time ({@link RecordIdentity}).
 */
final class ProcedureMapping {

    private static final String SNOMED = "http://snomed.info/sct";

    private ProcedureMapping() {}

    record MappedProcedure(Procedure procedure, Identifier matchOn) {}

    static MappedProcedure map(
            Fields pr1,
            RecordIdentity identity,
            String patientUrl,
            String encounterUrl,
            PartnerProperties partner,
            List<String> unmapped)
            throws MappingException {
        CodeableConcept code = Datatypes.codeableConcept(pr1, 3, 0);
        if (pr1.get(4) != null && pr1.get(3, 0, 9) == null) {
            code = code == null ? new CodeableConcept() : code;
            code.setText(pr1.get(4));
        }
        if (code == null) {
            throw new MappingException("INGEST-HL7-NO-PROCEDURE-CODE", "PR1-3 (procedure code) and PR1-4 are empty");
        }
        Procedure procedure = new Procedure();
        Identifier identifier = identity.identifier(pr1.get(3, 1) != null ? pr1.get(3, 1) : code.getText(), pr1.get(5));
        procedure.addIdentifier(identifier);
        if (pr1.get(19, 1) != null) {
            procedure.addIdentifier(new Identifier().setValue(pr1.get(19, 1)));
        }
        procedure.setStatus(Procedure.ProcedureStatus.UNKNOWN);
        procedure.setCode(code);
        procedure.setSubject(new Reference(patientUrl));
        if (encounterUrl != null) {
            procedure.setEncounter(new Reference(encounterUrl));
        }
        performed(pr1, partner, procedure);
        procedure.setCategory(Datatypes.codeableConcept(pr1, 6, 0, "0230"));
        performers(pr1, 8, new Coding(SNOMED, "88189002", "Anesthesiologist"), procedure);
        performers(pr1, 11, new Coding(SNOMED, "304292004", "Surgeon"), procedure);
        performers(pr1, 12, null, procedure);
        CodeableConcept reason = Datatypes.codeableConcept(pr1, 15, 0);
        if (reason != null) {
            procedure.addReasonCode(reason);
        }
        procedure.setLocation(EncounterMapping.location(pr1, 23));
        if (pr1.get(25, 1) != null) {
            procedure.addPartOf(
                    new Reference().setType("Procedure").setIdentifier(new Identifier().setValue(pr1.get(25, 1))));
        }
        for (int field : new int[] {9, 10, 13, 14, 16, 20}) {
            if (pr1.present(field)) {
                unmapped.add("PR1-" + field);
            }
        }
        return new MappedProcedure(procedure, identifier);
    }

    /** PR1-5, and with PR1-7 (minutes) and a time to the minute, the period it spans. */
    private static void performed(Fields pr1, PartnerProperties partner, Procedure procedure) throws MappingException {
        DateTimeType when = Datatypes.dateTime(pr1, 5, partner.timeZone());
        if (when == null) {
            return;
        }
        BigDecimal minutes = Datatypes.decimal(pr1.get(7));
        String sent = pr1.get(5);
        if (minutes != null && minutes.signum() >= 0 && sent.split("[+\\-]")[0].length() >= 12) {
            DateTimeType end = when.copy();
            end.setValue(new Date(when.getValue().getTime() + minutes.longValue() * 60_000L));
            procedure.setPerformed(new Period().setStartElement(when).setEndElement(end));
        } else {
            procedure.setPerformed(when);
        }
    }

    private static void performers(Fields pr1, int field, Coding function, Procedure procedure) {
        for (int rep = 0; rep < pr1.repetitions(field); rep++) {
            Reference actor = Datatypes.practitioner(pr1, field, rep);
            if (actor != null) {
                Procedure.ProcedurePerformerComponent performer =
                        procedure.addPerformer().setActor(actor);
                if (function != null) {
                    performer.setFunction(new CodeableConcept().addCoding(function.copy()));
                }
            }
        }
    }
}
