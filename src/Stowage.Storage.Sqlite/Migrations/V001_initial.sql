-- Access management: the organization tree, environments, users and their sessions.
CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_id   TEXT,
    owner_id    TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE environments (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE user_admin_orgs (
    user_id TEXT NOT NULL,
    org_id  TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id)
) WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Object Store v2 data. Names and keys are BLOBs holding UTF-8, so that ordering and
-- prefix ranges are byte-wise (ordinal) and exact.
CREATE TABLE stores (
    id                          INTEGER PRIMARY KEY,
    org_id                      TEXT NOT NULL,
    env_id                      TEXT NOT NULL,
    name                        BLOB NOT NULL,
    default_ttl_s               INTEGER NOT NULL,
    default_confirmation_ttl_s  INTEGER NOT NULL,
    is_fixed_ttl                INTEGER NOT NULL,
    persistent                  INTEGER NOT NULL,
    encrypted                   INTEGER NOT NULL,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL,
    UNIQUE (org_id, env_id, name)
);

CREATE TABLE partitions (
    id       INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL,
    name     BLOB NOT NULL,
    UNIQUE (store_id, name)
);

-- Values can be megabytes, so entries keep a rowid table (large rows do not belong in a
-- WITHOUT ROWID b-tree); (partition_id, key) is the unique keyset index used for paging.
-- value_encrypted says how this row's value was written (1: AES-256-GCM ciphertext bound to
-- its address), independent of the store's current `encrypted` setting, so changing that
-- setting never makes existing rows unreadable.
CREATE TABLE entries (
    id              INTEGER PRIMARY KEY,
    partition_id    INTEGER NOT NULL,
    key             BLOB NOT NULL,
    kind            INTEGER NOT NULL,
    value           BLOB NOT NULL,
    value_encrypted INTEGER NOT NULL DEFAULT 0,
    expires_at      INTEGER NOT NULL,
    ttl_ms          INTEGER NOT NULL,
    is_fixed        INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE UNIQUE INDEX entries_key ON entries (partition_id, key);
CREATE INDEX entries_expiry ON entries (expires_at);
