-- EHR launch contexts: created by an EHR system through the launch API, resolved once by the app's
-- "launch" scope. The opaque launch value is kept only as its SHA-256 digest.
CREATE TABLE smart_launch_context (
    launch_digest varchar(100) NOT NULL PRIMARY KEY,
    created_by varchar(100) NOT NULL,
    patient varchar(64),
    encounter varchar(64),
    fhir_user varchar(200),
    intent varchar(100),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
