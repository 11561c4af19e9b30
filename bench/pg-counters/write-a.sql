\set k random(1, 9000000000000000000)
\set p :client_id % 8
BEGIN;
SELECT pg_advisory_xact_lock(:k);
INSERT INTO entries VALUES (:p, int8send(:k), decode(repeat(md5(:k::text), 32), 'hex') || decode(repeat(md5(:k::text), 32), 'hex'));
UPDATE stores SET key_count = key_count + 1, size_bytes = size_bytes + 1030 WHERE id = 1;
END;
