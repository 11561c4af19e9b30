-- Confirmable writes (object-store-api.md, "Confirmable writes"): a write with
-- confirmable=true waits here, invisible to readers and to the usage counters, until it is
-- confirmed (moved into entries), rejected, or its expires_at (write + the store's
-- defaultConfirmationTtlSeconds) passes. Keyed by store and names rather than partition id,
-- because a pending write does not create its partition; at most one per key.
-- value/value_encrypted are exactly what entries will hold (ciphertext is bound to the key's
-- address, which does not change on confirm). if_absent/if_version keep the write's
-- precondition, checked again on confirm; version is the ETag the value will have.
CREATE TABLE pending_writes (
    id              INTEGER PRIMARY KEY,
    store_id        INTEGER NOT NULL,
    partition       BLOB NOT NULL,
    key             BLOB NOT NULL,
    confirmation_id TEXT NOT NULL UNIQUE,
    kind            INTEGER NOT NULL,
    value           BLOB NOT NULL,
    value_encrypted INTEGER NOT NULL,
    ttl_s           INTEGER,
    if_absent       INTEGER NOT NULL,
    if_version      INTEGER,
    version         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (store_id, partition, key)
);

CREATE INDEX pending_writes_expiry ON pending_writes (expires_at);
