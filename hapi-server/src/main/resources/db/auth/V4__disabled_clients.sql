-- Clients an administrator disabled: every lookup of such a client answers "no such client", so its
-- tokens stop working and it can neither authorize nor get tokens. A row of its own, so that
-- re-registering a client from configuration at start does not enable it again.
CREATE TABLE disabled_client (
    registered_client_id varchar(100) NOT NULL PRIMARY KEY,
    disabled_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    disabled_by varchar(100) NOT NULL
);
