-- Where each partner's poller resumes, and who may run it: one runner at a time across replicas holds
-- the lease (lease_holder until lease_until); a crashed runner's lease simply expires.
CREATE TABLE poller_state (
    partner_id      text        PRIMARY KEY,
    -- The list page (HTML portal) or page URL / number (REST API) the next run starts on.
    page            text,
    -- The last item on that page handed to intake; the next run starts after it.
    last_item       text,
    lease_holder    text,
    lease_until     timestamptz,
    last_run_at     timestamptz,
    -- The error code and reason of the last failed run (no payload content); null after a clean run.
    last_error      text,
    updated_at      timestamptz NOT NULL
);
