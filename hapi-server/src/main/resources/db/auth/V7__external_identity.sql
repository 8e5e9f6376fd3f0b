-- External OpenID Connect identities an administrator linked to a portal account. An identity is the
-- provider's issuer and the subject it names the person by; nothing else about the person is kept
-- (no e-mail, no name). One identity signs in one account; an account may have several identities.
CREATE TABLE external_identity (
    issuer varchar(500) NOT NULL,
    subject varchar(255) NOT NULL,
    username varchar(100) NOT NULL REFERENCES portal_user (username) ON DELETE CASCADE,
    provider_id varchar(100) NOT NULL,
    linked_by varchar(100) NOT NULL,
    linked_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX external_identity_username ON external_identity (username);
