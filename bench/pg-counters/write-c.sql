\set k random(1, 9000000000000000000)
\set p :client_id % 8
BEGIN;
SELECT pg_advisory_xact_lock(:k);
INSERT INTO entries VALUES (:p, int8send(:k), decode(repeat(md5(:k::text), 32), 'hex') || decode(repeat(md5(:k::text), 32), 'hex'));
INSERT INTO counter_deltas (store_id, keys, bytes) VALUES (1, 1, 1030);
END;
