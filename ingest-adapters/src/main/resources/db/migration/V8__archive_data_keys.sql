-- The aws-kms profile's envelope keys: each data key is stored only as AWS KMS wrapped it. The key id
-- sits beside every archived ciphertext (archive.key_id). Rows are never updated or deleted while an
-- archived payload may still name them.
CREATE TABLE archive_data_key (
    id              text        PRIMARY KEY,
    purpose         text        NOT NULL CHECK (purpose IN ('payload', 'pseudonym')),
    kms_key_id      text        NOT NULL,
    wrapped         bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One pseudonym key for the life of the archive, whichever replica creates it first.
CREATE UNIQUE INDEX archive_data_key_one_pseudonym_key ON archive_data_key (purpose) WHERE purpose = 'pseudonym';
