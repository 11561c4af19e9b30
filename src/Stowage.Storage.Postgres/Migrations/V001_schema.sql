-- The whole schema as of SQLite's V006, for PostgreSQL 15 or newer. Times are Unix
-- milliseconds in bigint (the same integers SQLite stores), so every answer is identical
-- byte for byte whichever provider serves it. Text compared case-insensitively in SQLite
-- (COLLATE NOCASE, which folds ASCII only) is compared here through lower(x COLLATE "C")
-- on unique indexes, and everything ordered is ordered COLLATE "C" (byte order).

-- Access management: the organization tree, environments, users and their sessions.
CREATE TABLE organizations (
    id          text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    parent_id   text COLLATE "C",
    owner_id    text COLLATE "C" NOT NULL,
    client_id   text COLLATE "C" NOT NULL,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL
);

CREATE INDEX organizations_parent ON organizations (parent_id);

CREATE TABLE environments (
    id          text COLLATE "C" PRIMARY KEY,
    org_id      text COLLATE "C" NOT NULL,
    name        text COLLATE "C" NOT NULL,
    type        text COLLATE "C" NOT NULL,
    client_id   text COLLATE "C" NOT NULL,
    created_at  bigint NOT NULL
);

-- Names are unique in their organization ignoring ASCII case, as the repositories check them.
CREATE UNIQUE INDEX environments_name ON environments (org_id, lower(name COLLATE "C"));

CREATE TABLE users (
    id            text COLLATE "C" PRIMARY KEY,
    username      text COLLATE "C" NOT NULL,
    first_name    text COLLATE "C" NOT NULL,
    last_name     text COLLATE "C" NOT NULL,
    email         text COLLATE "C" NOT NULL,
    password_hash text COLLATE "C" NOT NULL,
    org_id        text COLLATE "C" NOT NULL,
    created_at    bigint NOT NULL
);

-- SQLite's COLLATE NOCASE folds A-Z only; lower() under the "C" collation does the same.
CREATE UNIQUE INDEX users_username ON users (lower(username COLLATE "C"));
CREATE INDEX users_org ON users (org_id);

CREATE TABLE user_admin_orgs (
    user_id text COLLATE "C" NOT NULL,
    org_id  text COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, org_id)
);

CREATE TABLE sessions (
    token_hash text COLLATE "C" PRIMARY KEY,
    user_id    text COLLATE "C" NOT NULL,
    expires_at bigint NOT NULL,
    revoked    boolean NOT NULL DEFAULT false
);

CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

-- Object Store v2 data. Names and keys are bytea holding UTF-8, so that ordering and
-- prefix ranges are byte-wise (ordinal) and exact, as in SQLite's BLOBs.
CREATE TABLE stores (
    id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id                      text COLLATE "C" NOT NULL,
    env_id                      text COLLATE "C" NOT NULL,
    name                        bytea NOT NULL,
    default_ttl_s               bigint NOT NULL,
    default_confirmation_ttl_s  bigint NOT NULL,
    is_fixed_ttl                boolean NOT NULL,
    persistent                  boolean NOT NULL,
    encrypted                   boolean NOT NULL,
    created_at                  bigint NOT NULL,
    updated_at                  bigint NOT NULL,
    key_count                   bigint NOT NULL DEFAULT 0,
    partition_count             bigint NOT NULL DEFAULT 0,
    size_bytes                  bigint NOT NULL DEFAULT 0,
    UNIQUE (org_id, env_id, name)
);

-- Changes to a store's counters not yet folded into its row: every write appends one, so
-- writers to one store never queue on its row (docs/decisions.md); readers add them up and
-- the expiry purger folds them into the row.
CREATE TABLE store_counter_deltas (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id   bigint NOT NULL,
    keys       bigint NOT NULL,
    partitions bigint NOT NULL,
    bytes      bigint NOT NULL
);

CREATE INDEX store_counter_deltas_store ON store_counter_deltas (store_id);

CREATE TABLE partitions (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id bigint NOT NULL,
    name     bytea NOT NULL,
    UNIQUE (store_id, name)
);

-- value_encrypted says how this row's value was written (AES-256-GCM ciphertext bound to its
-- address); size is what the row counts for in its store's size_bytes, as the object store
-- decided it.
CREATE TABLE entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partition_id    bigint NOT NULL,
    key             bytea NOT NULL,
    kind            integer NOT NULL,
    value           bytea NOT NULL,
    value_encrypted boolean NOT NULL DEFAULT false,
    expires_at      bigint NOT NULL,
    ttl_ms          bigint NOT NULL,
    is_fixed        boolean NOT NULL,
    version         bigint NOT NULL,
    updated_at      bigint NOT NULL,
    size            bigint NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX entries_key ON entries (partition_id, key);
CREATE INDEX entries_expiry ON entries (expires_at);

-- Confirmable writes waiting for confirmation (see SQLite's V004 for the semantics).
CREATE TABLE pending_writes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    store_id        bigint NOT NULL,
    partition       bytea NOT NULL,
    key             bytea NOT NULL,
    confirmation_id text COLLATE "C" NOT NULL UNIQUE,
    kind            integer NOT NULL,
    value           bytea NOT NULL,
    value_encrypted boolean NOT NULL,
    ttl_s           bigint,
    if_absent       boolean NOT NULL,
    if_version      bigint,
    version         bigint NOT NULL,
    expires_at      bigint NOT NULL,
    created_at      bigint NOT NULL,
    size            bigint NOT NULL DEFAULT 0,
    UNIQUE (store_id, partition, key)
);

CREATE INDEX pending_writes_expiry ON pending_writes (expires_at);

-- Connected apps. The client secret is stored only as AES-GCM ciphertext.
CREATE TABLE connected_apps (
    client_id         text COLLATE "C" PRIMARY KEY,
    client_name       text COLLATE "C" NOT NULL,
    grant_types       text NOT NULL,   -- JSON array
    redirect_uris     text NOT NULL,   -- JSON array
    scopes            text NOT NULL,   -- JSON array
    public_keys       text NOT NULL,   -- JSON array
    client_uri        text,
    audience          text NOT NULL,
    owner_org_id      text COLLATE "C" NOT NULL,
    owner_user_id     text COLLATE "C" NOT NULL,
    enabled           boolean NOT NULL,
    secret_ciphertext bytea NOT NULL,
    secret_version    bigint NOT NULL,
    created_at        bigint NOT NULL,
    updated_at        bigint NOT NULL
);

CREATE UNIQUE INDEX connected_apps_name ON connected_apps (lower(client_name COLLATE "C"));
CREATE INDEX connected_apps_owner ON connected_apps (owner_org_id);

-- Scope assignments; org_id and env_id are '' where the scope's level has none.
CREATE TABLE app_grants (
    client_id text COLLATE "C" NOT NULL,
    scope     text COLLATE "C" NOT NULL,
    org_id    text COLLATE "C" NOT NULL,
    env_id    text COLLATE "C" NOT NULL,
    PRIMARY KEY (client_id, scope, org_id, env_id)
);

CREATE INDEX app_grants_env ON app_grants (env_id);
CREATE INDEX app_grants_org ON app_grants (org_id);

-- The ordered log every node follows to drop cached token state within a second. Every
-- append takes the transaction-scoped advisory lock PostgresAccessChanges.FeedLockKey right
-- before its insert and holds it to commit, so seq order is commit order: a follower that
-- read seq n never misses a smaller one committed later.
CREATE TABLE access_changes (
    seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind    integer NOT NULL,
    subject text COLLATE "C" NOT NULL,
    at      bigint NOT NULL
);

CREATE TABLE revoked_tokens (
    token_id   text COLLATE "C" PRIMARY KEY,
    expires_at bigint NOT NULL
);

CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           bigint NOT NULL,
    org_id       text COLLATE "C",
    actor_type   text NOT NULL,
    actor_id     text,
    actor_name   text,
    client_ip    text,
    action       text NOT NULL,
    object_type  text NOT NULL,
    object_id    text,
    detail       text
);

CREATE INDEX audit_log_org_time ON audit_log (org_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

-- Usage metering: hourly buckets every node adds to.
CREATE TABLE usage_hourly (
    org_id        text COLLATE "C" NOT NULL,
    env_id        text COLLATE "C" NOT NULL,
    region        text COLLATE "C" NOT NULL,
    store         text COLLATE "C" NOT NULL,
    hour          bigint NOT NULL,
    requests      bigint NOT NULL,
    billing_units bigint NOT NULL,
    rejected      bigint NOT NULL,
    PRIMARY KEY (org_id, env_id, region, store, hour)
);

CREATE INDEX usage_hourly_env ON usage_hourly (org_id, env_id, hour);

CREATE TABLE store_lifetimes (
    org_id     text COLLATE "C" NOT NULL,
    env_id     text COLLATE "C" NOT NULL,
    name       bytea NOT NULL,
    created_at bigint NOT NULL,
    deleted_at bigint
);

CREATE INDEX store_lifetimes_env ON store_lifetimes (org_id, env_id, name);

-- Key material every node shares (data key, token signing keys, console data-protection
-- keys), each wrapped (encrypted) with the master key by the server before it gets here.
CREATE TABLE shared_keys (
    name       text COLLATE "C" PRIMARY KEY,
    wrapped    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Failed authentications every node shares, so the throttle holds for the cluster; keys are
-- hashes of (kind, subject, address), never a presented name. Pruned after a day.
CREATE TABLE auth_failures (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    node text COLLATE "C" NOT NULL,
    key  bytea NOT NULL,
    at   bigint NOT NULL
);

CREATE INDEX auth_failures_at ON auth_failures (at);
