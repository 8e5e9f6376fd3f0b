-- The newest source event time (EVN-2, else MSH-7) written for each business identity, so that an
-- older message arriving later is skipped instead of overwriting newer data. Rows are locked while a
-- message for the identity is being written, which also makes later messages for it wait.
CREATE TABLE resource_event (
    resource_key    text        PRIMARY KEY,
    event_time      timestamptz NOT NULL,
    receipt_id      uuid        NOT NULL
);

ALTER TABLE receipt DROP CONSTRAINT receipt_status_check;
ALTER TABLE receipt ADD CONSTRAINT receipt_status_check
    CHECK (status IN ('ACCEPTED', 'WRITTEN', 'SKIPPED_OLDER', 'DEAD_LETTERED'));
