-- A Patient ingest created because a partner's message matched no one (no Patient with its NHS number,
-- else its MRN): it is tagged unverified on hapi-server until an operator confirms who it is. One item
-- per Patient. No demographics here, and not the identifier's value either: its system and a masked
-- value (the full identifier is on the Patient, behind hapi-server's access control and audit).
CREATE TABLE patient_work_item (
    id                  bigserial   PRIMARY KEY,
    patient_reference   text        NOT NULL UNIQUE,
    partner_id          text        NOT NULL,
    receipt_id          uuid        NOT NULL REFERENCES receipt (id),
    identifier_system   text        NOT NULL,
    identifier_masked   text        NOT NULL,
    created_at          timestamptz NOT NULL,
    state               text        NOT NULL CHECK (state IN ('OPEN', 'VERIFIED', 'DISMISSED')),
    resolved_by         text,
    resolved_at         timestamptz
);
CREATE INDEX patient_work_item_open ON patient_work_item (created_at DESC, id DESC) WHERE state = 'OPEN';

-- The operator audit covers the work items too; a receipt can create several (a CSV file), so the item
-- is named.
ALTER TABLE operator_audit ADD COLUMN work_item_id bigint;
-- A request that was allowed but that hapi-server did not carry out (verifying while it is down).
ALTER TABLE operator_audit DROP CONSTRAINT operator_audit_outcome_check;
ALTER TABLE operator_audit ADD CONSTRAINT operator_audit_outcome_check
    CHECK (outcome IN ('ALLOWED', 'DENIED', 'NOT_FOUND', 'CONFLICT', 'FAILED'));
