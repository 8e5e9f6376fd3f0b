-- Failed sign-ins per username, so that repeated guessing locks the account for a while on every
-- replica alike. Rows go once a sign-in succeeds or a day after the last failure.
CREATE TABLE login_failure (
    username varchar(100) NOT NULL PRIMARY KEY,
    failures integer NOT NULL,
    last_failure_at timestamptz NOT NULL,
    locked_until timestamptz
);
