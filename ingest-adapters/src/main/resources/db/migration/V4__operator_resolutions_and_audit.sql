-- An operator resolves a dead letter by replaying or discarding it; the row stays, with who and when.
ALTER TABLE dead_letter ADD COLUMN resolution  text CHECK (resolution IN ('REPLAYED', 'DISCARDED'));
ALTER TABLE dead_letter ADD COLUMN resolved_by text;
ALTER TABLE dead_letter ADD COLUMN resolved_at timestamptz;
CREATE INDEX dead_letter_open ON dead_letter (created_at DESC, id DESC) WHERE resolution IS NULL;

-- Every operator request about dead letters: who, what, which receipt, and whether it was allowed.
-- Append-only: the application never updates or deletes these rows.
CREATE TABLE operator_audit (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL,
    operator    text        NOT NULL,
    action      text        NOT NULL,
    receipt_id  uuid,
    outcome     text        NOT NULL CHECK (outcome IN ('ALLOWED', 'DENIED', 'NOT_FOUND', 'CONFLICT'))
);
CREATE INDEX operator_audit_at ON operator_audit (at);
