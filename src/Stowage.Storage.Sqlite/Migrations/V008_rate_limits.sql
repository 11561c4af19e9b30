-- Store rate-limit settings (see IRateLimitRepository): one row per organization (env_id ''
-- and store_id empty), environment (store_id empty) or store. store_id is the store's name as
-- UTF-8, like stores.name. kind is none, standard, premium or custom; the numbers are those of
-- the limit (0 for none). Times are Unix milliseconds. Same table and columns as PostgreSQL's
-- V004, so copy-data carries it over.
CREATE TABLE rate_limits (
    org_id              TEXT NOT NULL,
    env_id              TEXT NOT NULL,
    store_id            BLOB NOT NULL,
    kind                TEXT NOT NULL,
    requests_per_second INTEGER NOT NULL,
    requests_per_minute INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (org_id, env_id, store_id)
);
