package io.healthportal.ingest.pipeline;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Identifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Records the operator work item of an unverified Patient ({@code patient_work_item}): which partner's
 * receipt created it, the system of the identifier it was created with and that identifier masked,
 * never demographics. The operator API lists and resolves them.
 */
@Repository
class UnverifiedPatients {

    private final JdbcTemplate jdbc;
    private final Clock clock;

    UnverifiedPatients(JdbcTemplate jdbc, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** Opens the Patient's work item; false when it has one already (open or resolved). */
    boolean record(String patientReference, String partnerId, UUID receiptId, Identifier identifier) {
        return jdbc.update(
                        "INSERT INTO patient_work_item (patient_reference, partner_id, receipt_id, identifier_system,"
                                + " identifier_masked, created_at, state) VALUES (?, ?, ?, ?, ?, ?, 'OPEN')"
                                + " ON CONFLICT (patient_reference) DO NOTHING",
                        patientReference,
                        partnerId,
                        receiptId,
                        identifier.getSystem(),
                        masked(identifier.getValue()),
                        Timestamp.from(clock.instant()))
                == 1;
    }

    /**
     * Enough of an identifier for an operator to tell items apart, too little to identify anyone: the
     * last three characters of a value of at least eight, nothing of a shorter one.
     */
    static String masked(String value) {
        if (value == null) {
            return "";
        }
        int shown = value.length() >= 8 ? 3 : 0;
        return "*".repeat(value.length() - shown) + value.substring(value.length() - shown);
    }
}
