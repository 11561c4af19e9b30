-- Authorizations and token entries of apps that act on behalf of a user (OpenIddict's
-- authorization and token entities; see IOAuthGrantRepository). Same tables and columns as
-- SQLite's V007 (copy-data follows the schemas): times are Unix milliseconds, scopes a JSON
-- array, properties OpenIddict's JSON as given, ids compared ordinally (COLLATE "C").
-- "version" is the compare-and-set token every update checks. No foreign keys: deleting an
-- app or a user deletes its rows here in the same transaction, whatever the order.
CREATE TABLE oauth_authorizations (
    id         text COLLATE "C" PRIMARY KEY,
    client_id  text COLLATE "C" NOT NULL,
    subject    text COLLATE "C" NOT NULL,
    type       text COLLATE "C" NOT NULL,
    status     text COLLATE "C" NOT NULL,
    scopes     text NOT NULL,   -- JSON array
    properties text,
    created_at bigint NOT NULL,
    version    text COLLATE "C" NOT NULL
);

CREATE INDEX oauth_authorizations_subject_client ON oauth_authorizations (subject, client_id);
CREATE INDEX oauth_authorizations_client ON oauth_authorizations (client_id);

CREATE TABLE oauth_tokens (
    id               text COLLATE "C" PRIMARY KEY,
    client_id        text COLLATE "C",
    authorization_id text COLLATE "C",
    subject          text COLLATE "C",
    type             text COLLATE "C" NOT NULL,
    status           text COLLATE "C" NOT NULL,
    reference_id     text COLLATE "C",
    payload          text,
    properties       text,
    created_at       bigint NOT NULL,
    expires_at       bigint,
    redeemed_at      bigint,
    version          text COLLATE "C" NOT NULL
);

CREATE INDEX oauth_tokens_authorization ON oauth_tokens (authorization_id);
CREATE UNIQUE INDEX oauth_tokens_reference ON oauth_tokens (reference_id) WHERE reference_id IS NOT NULL;
CREATE INDEX oauth_tokens_subject_client ON oauth_tokens (subject, client_id);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at);
