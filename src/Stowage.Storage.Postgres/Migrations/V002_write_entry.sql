-- One key write in one statement: the steps PostgresObjectStoreRepository took in seven
-- round trips (key lock, store, partition, row, insert or update, counter delta), here in
-- one call that a node can also send many of in one batch and one commit. The object
-- store's rules stay in the node: it passes the expiry and two candidate versions it
-- computed, and the store settings it assumed for the expiry; when the store's differ, the
-- call changes nothing and answers outcome 6 with the store's settings, and the node computes
-- again. The condition check mirrors WriteCondition.Check (the contract suites race both).
--
-- Outcomes: 0 created, 1 updated, 2 store not found, 3 encryption mismatch, 4 key exists,
-- 5 version mismatch, 6 store settings differ from the assumed ones.
CREATE FUNCTION stowage_write_entry(
    p_org text, p_env text, p_store bytea, p_partition bytea, p_key bytea, p_lock bigint,
    p_kind integer, p_value bytea, p_encrypted boolean, p_size bigint,
    p_expires_at bigint, p_ttl_ms bigint, p_is_fixed boolean,
    p_assumed_ttl_s bigint, p_assumed_fixed boolean,
    p_if_absent boolean, p_if_version bigint, p_now bigint, p_version bigint, p_other_version bigint,
    OUT outcome integer, OUT new_version bigint, OUT store_ttl_s bigint, OUT store_fixed boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_store_id bigint;
    v_encrypted boolean;
    v_partition bigint;
    v_created_partition bigint;
    v_expires bigint;
    v_size bigint := 0;
    v_version bigint := 0;
    v_live boolean := false;
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock);

    SELECT s.id, s.default_ttl_s, s.is_fixed_ttl, s.encrypted INTO v_store_id, store_ttl_s, store_fixed, v_encrypted
    FROM stores s WHERE s.org_id = p_org AND s.env_id = p_env AND s.name = p_store FOR KEY SHARE;
    IF NOT FOUND THEN
        outcome := 2;
        RETURN;
    END IF;

    IF v_encrypted <> p_encrypted THEN
        outcome := 3;
        RETURN;
    END IF;

    IF store_ttl_s <> p_assumed_ttl_s OR store_fixed <> p_assumed_fixed THEN
        outcome := 6;
        RETURN;
    END IF;

    SELECT p.id INTO v_partition FROM partitions p WHERE p.store_id = v_store_id AND p.name = p_partition FOR KEY SHARE;
    IF v_partition IS NOT NULL THEN
        SELECT e.expires_at, e.size, e.version INTO v_expires, v_size, v_version
        FROM entries e WHERE e.partition_id = v_partition AND e.key = p_key FOR UPDATE;
        IF NOT FOUND THEN
            v_size := 0;
            v_version := 0;
        END IF;
    END IF;

    v_live := v_expires IS NOT NULL AND v_expires > p_now;
    IF p_if_absent AND v_live THEN
        outcome := 4;
        RETURN;
    END IF;

    IF p_if_version IS NOT NULL AND (NOT v_live OR v_version <> p_if_version) THEN
        outcome := 5;
        RETURN;
    END IF;

    -- Writers of other keys may create the partition at the same time: one inserts it (and counts it), the others use it.
    IF v_partition IS NULL THEN
        INSERT INTO partitions (store_id, name) VALUES (v_store_id, p_partition)
        ON CONFLICT (store_id, name) DO NOTHING RETURNING id INTO v_created_partition;
        v_partition := v_created_partition;
        IF v_partition IS NULL THEN
            SELECT p.id INTO STRICT v_partition FROM partitions p WHERE p.store_id = v_store_id AND p.name = p_partition FOR KEY SHARE;
        END IF;
    END IF;

    new_version := CASE WHEN p_version = v_version THEN p_other_version ELSE p_version END;
    IF v_expires IS NULL THEN
        INSERT INTO entries (partition_id, key, kind, value, value_encrypted, size, expires_at, ttl_ms, is_fixed, version, updated_at)
        VALUES (v_partition, p_key, p_kind, p_value, p_encrypted, p_size, p_expires_at, p_ttl_ms, p_is_fixed, new_version, p_now);
    ELSE
        UPDATE entries SET kind = p_kind, value = p_value, value_encrypted = p_encrypted, size = p_size, expires_at = p_expires_at,
            ttl_ms = p_ttl_ms, is_fixed = p_is_fixed, version = new_version, updated_at = p_now
        WHERE partition_id = v_partition AND key = p_key;
    END IF;

    IF v_expires IS NULL OR v_created_partition IS NOT NULL OR p_size <> v_size THEN
        INSERT INTO store_counter_deltas (store_id, keys, partitions, bytes)
        VALUES (v_store_id, CASE WHEN v_expires IS NULL THEN 1 ELSE 0 END, CASE WHEN v_created_partition IS NULL THEN 0 ELSE 1 END, p_size - v_size);
    END IF;

    -- Overwriting an expired entry is a create for the caller: the key was gone.
    outcome := CASE WHEN v_live THEN 1 ELSE 0 END;
END
$$;
