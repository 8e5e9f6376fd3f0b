-- Staff accounts' second factor (RFC 6238 TOTP): the shared secret (base32), never returned after
-- enrolment, and the last time step a code was accepted for, so that a code works once.
CREATE TABLE staff_totp (
    username varchar(100) NOT NULL PRIMARY KEY REFERENCES portal_user (username) ON DELETE CASCADE,
    secret varchar(100) NOT NULL,
    last_used_step bigint NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
);
