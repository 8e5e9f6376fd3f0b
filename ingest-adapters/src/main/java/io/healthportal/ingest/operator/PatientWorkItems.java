package io.healthportal.ingest.operator;

import io.healthportal.ingest.fhir.FhirWriter;
import io.healthportal.ingest.pipeline.PatientOwnership;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The work items of unverified Patients as an operator sees them: partner, receipt, the identifier's
 * system and masked value, the Patient's reference, state; never demographics. Verifying removes the
 * unverified tag from the Patient on hapi-server, then closes the item; dismissing closes it and leaves
 * the Patient as it is. Both keep the row.
 */
@Repository
public class PatientWorkItems {

    private static final String COLUMNS = """
            SELECT id, patient_reference, partner_id, receipt_id, identifier_system, identifier_masked,
                   created_at, state, resolved_by, resolved_at
            FROM patient_work_item
            """;

    private final JdbcTemplate jdbc;
    private final FhirWriter fhir;
    private final Clock clock;

    PatientWorkItems(JdbcTemplate jdbc, FhirWriter fhir, Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.fhir = fhir;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** One work item; {@code resolvedBy} and {@code resolvedAt} are null while it is open. */
    public record WorkItem(
            long id,
            String patient,
            String partner,
            UUID receiptId,
            String identifierSystem,
            String identifierMasked,
            Instant createdAt,
            String state,
            String resolvedBy,
            Instant resolvedAt) {}

    /** Newest first; only open ones unless {@code includeResolved}. */
    public List<WorkItem> list(boolean includeResolved, int limit) {
        return jdbc.query(
                COLUMNS + (includeResolved ? "" : " WHERE state = 'OPEN'")
                        + " ORDER BY created_at DESC, id DESC LIMIT ?",
                PatientWorkItems::row,
                limit);
    }

    public Optional<WorkItem> find(long id) {
        return jdbc.query(COLUMNS + " WHERE id = ?", PatientWorkItems::row, id).stream()
                .findFirst();
    }

    /** The work item of a Patient ({@code Patient/123}), if it has one. */
    public Optional<WorkItem> forPatient(String patientReference) {
        return jdbc.query(COLUMNS + " WHERE patient_reference = ?", PatientWorkItems::row, patientReference).stream()
                .findFirst();
    }

    /**
     * Removes the unverified tag from the item's Patient on hapi-server, then closes the item; false if
     * it is not open. A failure of hapi-server ({@link io.healthportal.ingest.fhir.FhirWriteException})
     * leaves the item open, to be verified again.
     */
    public boolean verify(long id, String operator) {
        Optional<WorkItem> item = find(id).filter(i -> i.state().equals("OPEN"));
        if (item.isEmpty()) {
            return false;
        }
        // As the patient verifier: the operator decides, not the partner whose message created the Patient.
        fhir.removeVerificationTag(item.get().patient(), PatientOwnership.unverifiedTag());
        return close(id, "VERIFIED", operator);
    }

    /** Closes the item without changing the Patient; false if it is not open. */
    public boolean dismiss(long id, String operator) {
        return close(id, "DISMISSED", operator);
    }

    private boolean close(long id, String state, String operator) {
        return jdbc.update(
                        "UPDATE patient_work_item SET state = ?, resolved_by = ?, resolved_at = ?"
                                + " WHERE id = ? AND state = 'OPEN'",
                        state,
                        operator,
                        Timestamp.from(clock.instant()),
                        id)
                == 1;
    }

    private static WorkItem row(ResultSet rs, int n) throws SQLException {
        Timestamp resolvedAt = rs.getTimestamp("resolved_at");
        return new WorkItem(
                rs.getLong("id"),
                rs.getString("patient_reference"),
                rs.getString("partner_id"),
                rs.getObject("receipt_id", UUID.class),
                rs.getString("identifier_system"),
                rs.getString("identifier_masked"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getString("state"),
                rs.getString("resolved_by"),
                resolvedAt == null ? null : resolvedAt.toInstant());
    }
}
