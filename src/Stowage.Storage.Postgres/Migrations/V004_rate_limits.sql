-- Store rate-limit settings (see IRateLimitRepository): one row per organization (env_id ''
-- and store_id empty), environment (store_id empty) or store. Same table and columns as
-- SQLite's V008 (copy-data follows the schemas): store_id is the store's name as UTF-8, like
-- stores.name; kind is none, standard, premium or custom; times are Unix milliseconds.
CREATE TABLE rate_limits (
    org_id              text COLLATE "C" NOT NULL,
    env_id              text COLLATE "C" NOT NULL,
    store_id            bytea NOT NULL,
    kind                text COLLATE "C" NOT NULL,
    requests_per_second bigint NOT NULL,
    requests_per_minute bigint NOT NULL,
    updated_at          bigint NOT NULL,
    PRIMARY KEY (org_id, env_id, store_id)
);

-- Successful requests per store and second as each node counted them (IRateLimitCountRepository),
-- so a store's limit holds for the cluster. A node upserts its own absolute counts a few times
-- a second; changed_at is the database's clock (Unix milliseconds) at the upsert, which is what
-- readers follow. Rows older than a few minutes are pruned; copy-data skips the table (SQLite
-- has none: one node counts alone).
CREATE TABLE rate_limit_counts (
    node       text COLLATE "C" NOT NULL,
    org_id     text COLLATE "C" NOT NULL,
    env_id     text COLLATE "C" NOT NULL,
    store_id   bytea NOT NULL,
    second     bigint NOT NULL,
    count      integer NOT NULL,
    changed_at bigint NOT NULL,
    PRIMARY KEY (node, org_id, env_id, store_id, second)
);

CREATE INDEX rate_limit_counts_changed ON rate_limit_counts (changed_at);
