-- Authorizations and token entries of apps that act on behalf of a user (OpenIddict's
-- authorization and token entities; see IOAuthGrantRepository). Times are Unix
-- milliseconds, scopes a JSON array, properties OpenIddict's JSON as given. "version" is the
-- compare-and-set token every update checks. No foreign keys: deleting an app or a user
-- deletes its rows here in the same transaction, whatever the order.
CREATE TABLE oauth_authorizations (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    type       TEXT NOT NULL,
    status     TEXT NOT NULL,
    scopes     TEXT NOT NULL,   -- JSON array
    properties TEXT,
    created_at INTEGER NOT NULL,
    version    TEXT NOT NULL
);

CREATE INDEX oauth_authorizations_subject_client ON oauth_authorizations (subject, client_id);
CREATE INDEX oauth_authorizations_client ON oauth_authorizations (client_id);

CREATE TABLE oauth_tokens (
    id               TEXT PRIMARY KEY,
    client_id        TEXT,
    authorization_id TEXT,
    subject          TEXT,
    type             TEXT NOT NULL,
    status           TEXT NOT NULL,
    reference_id     TEXT,
    payload          TEXT,
    properties       TEXT,
    created_at       INTEGER NOT NULL,
    expires_at       INTEGER,
    redeemed_at      INTEGER,
    version          TEXT NOT NULL
);

CREATE INDEX oauth_tokens_authorization ON oauth_tokens (authorization_id);
CREATE UNIQUE INDEX oauth_tokens_reference ON oauth_tokens (reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX oauth_tokens_subject_client ON oauth_tokens (subject, client_id);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at);
