-- Every accepted payload: one receipt, its encrypted archive copy and a pending outbox row, all
-- written in one transaction before the partner gets its acknowledgement.
CREATE TABLE receipt (
    id              uuid        PRIMARY KEY,
    partner_id      text        NOT NULL,
    format          text        NOT NULL,
    channel         text        NOT NULL,
    -- MSH-10 for HL7 v2; empty when the format has no message id.
    message_id      text        NOT NULL,
    payload_sha256  bytea       NOT NULL,
    payload_bytes   integer     NOT NULL,
    received_at     timestamptz NOT NULL,
    status          text        NOT NULL CHECK (status IN ('ACCEPTED', 'WRITTEN', 'DEAD_LETTERED')),
    finished_at     timestamptz
);
CREATE INDEX receipt_partner_received ON receipt (partner_id, received_at);

-- The same message id reused for different content is not a duplicate: the hash is part of the key.
CREATE TABLE dedup_key (
    partner_id      text        NOT NULL,
    message_id      text        NOT NULL,
    payload_sha256  bytea       NOT NULL,
    receipt_id      uuid        NOT NULL REFERENCES receipt (id),
    PRIMARY KEY (partner_id, message_id, payload_sha256)
);

-- AES-GCM: ciphertext includes the tag; the receipt id is the additional authenticated data.
CREATE TABLE archive (
    receipt_id      uuid        PRIMARY KEY REFERENCES receipt (id),
    key_id          text        NOT NULL,
    nonce           bytea       NOT NULL,
    ciphertext      bytea       NOT NULL
);

CREATE TABLE outbox (
    id              bigserial   PRIMARY KEY,
    receipt_id      uuid        NOT NULL UNIQUE REFERENCES receipt (id),
    status          text        NOT NULL CHECK (status IN ('PENDING', 'PUBLISHED')),
    created_at      timestamptz NOT NULL,
    published_at    timestamptz,
    publish_attempts integer    NOT NULL DEFAULT 0
);
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'PENDING';

CREATE TABLE dead_letter (
    id              bigserial   PRIMARY KEY,
    receipt_id      uuid        NOT NULL UNIQUE REFERENCES receipt (id),
    error_code      text        NOT NULL,
    -- Written for an operator: never the payload or any part of it.
    reason          text        NOT NULL,
    created_at      timestamptz NOT NULL
);
