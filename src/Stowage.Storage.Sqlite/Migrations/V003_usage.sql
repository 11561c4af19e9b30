-- Usage metering and the Stats API (stats-api.md).

-- Hourly buckets; every flush adds to them (several nodes may flush the same hour).
-- `store` is '' for requests that address no store (listing an environment's stores).
CREATE TABLE usage_hourly (
    org_id        TEXT NOT NULL,
    env_id        TEXT NOT NULL,
    region        TEXT NOT NULL,
    store         TEXT NOT NULL,
    hour          INTEGER NOT NULL,
    requests      INTEGER NOT NULL,
    billing_units INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    PRIMARY KEY (org_id, env_id, region, store, hour)
) WITHOUT ROWID;

-- Environment and organization totals over a window without walking every store's rows.
CREATE INDEX usage_hourly_env ON usage_hourly (org_id, env_id, hour);

-- Every lifetime of every store, so the stats store listing can name stores that existed
-- in a window and were deleted since (a store may be deleted and created again).
CREATE TABLE store_lifetimes (
    org_id     TEXT NOT NULL,
    env_id     TEXT NOT NULL,
    name       BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    deleted_at INTEGER
);

CREATE INDEX store_lifetimes_env ON store_lifetimes (org_id, env_id, name);

INSERT INTO store_lifetimes (org_id, env_id, name, created_at) SELECT org_id, env_id, name, created_at FROM stores;

-- A store's contents, maintained in the same transaction as every change to its rows.
-- They count every row, expired-but-not-purged ones included; readers subtract those
-- (see SqliteUsageRepository). size_bytes is length(key) + length(value) less the fixed encryption overhead (30 bytes) of encrypted values.
ALTER TABLE stores ADD COLUMN key_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN partition_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;

-- The one scan: counts for data written before this migration.
UPDATE stores SET
    partition_count = (SELECT COUNT(*) FROM partitions p WHERE p.store_id = stores.id),
    key_count = (SELECT COUNT(*) FROM entries e JOIN partitions p ON p.id = e.partition_id WHERE p.store_id = stores.id),
    size_bytes = (SELECT COALESCE(SUM(length(e.key) + length(e.value) - e.value_encrypted * 30), 0) FROM entries e JOIN partitions p ON p.id = e.partition_id WHERE p.store_id = stores.id);
