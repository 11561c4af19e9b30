-- Connected apps. The client secret is stored only as AES-GCM ciphertext.
CREATE TABLE connected_apps (
    client_id         TEXT PRIMARY KEY,
    client_name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    grant_types       TEXT NOT NULL,   -- JSON array
    redirect_uris     TEXT NOT NULL,   -- JSON array
    scopes            TEXT NOT NULL,   -- JSON array
    public_keys       TEXT NOT NULL,   -- JSON array
    client_uri        TEXT,
    audience          TEXT NOT NULL,
    owner_org_id      TEXT NOT NULL,
    owner_user_id     TEXT NOT NULL,
    enabled           INTEGER NOT NULL,
    secret_ciphertext BLOB NOT NULL,
    secret_version    INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);

-- Scope assignments; org_id and env_id are '' where the scope's level has none.
CREATE TABLE app_grants (
    client_id TEXT NOT NULL,
    scope     TEXT NOT NULL,
    org_id    TEXT NOT NULL,
    env_id    TEXT NOT NULL,
    PRIMARY KEY (client_id, scope, org_id, env_id)
) WITHOUT ROWID;

CREATE INDEX app_grants_env ON app_grants (env_id);
CREATE INDEX app_grants_org ON app_grants (org_id);

-- The ordered log every node follows to drop cached token state within a second.
CREATE TABLE access_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    INTEGER NOT NULL,
    subject TEXT NOT NULL,
    at      INTEGER NOT NULL
);

CREATE TABLE revoked_tokens (
    token_id   TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           INTEGER NOT NULL,
    org_id       TEXT,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT,
    actor_name   TEXT,
    client_ip    TEXT,
    action       TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    object_id    TEXT,
    detail       TEXT
);

CREATE INDEX audit_log_org_time ON audit_log (org_id, at);
