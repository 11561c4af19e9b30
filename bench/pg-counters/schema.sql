CREATE TABLE stores (id bigint PRIMARY KEY, key_count bigint NOT NULL, size_bytes bigint NOT NULL);
CREATE TABLE partition_counters (store_id bigint, partition int, key_count bigint NOT NULL, size_bytes bigint NOT NULL, PRIMARY KEY (store_id, partition));
CREATE TABLE counter_deltas (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, store_id bigint NOT NULL, keys bigint NOT NULL, bytes bigint NOT NULL);
CREATE INDEX counter_deltas_store ON counter_deltas (store_id);
CREATE TABLE entries (partition_id bigint NOT NULL, key bytea NOT NULL, value bytea NOT NULL, PRIMARY KEY (partition_id, key));
INSERT INTO stores VALUES (1, 0, 0);
INSERT INTO partition_counters SELECT 1, p, 0, 0 FROM generate_series(0, 7) p;
