#!/usr/bin/env bash
# Per-store counters on PostgreSQL: writes/s of three designs with 32 concurrent writers to one
# store (1 KB values, durable commits: fsync and synchronous_commit on), and the read cost of
# each design's counter read. Starts a throwaway server under a temporary directory.
#   bash bench/pg-counters/run.sh [seconds per run, default 15]
set -euo pipefail
SECONDS_PER_RUN=${1:-15}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DIR=$(mktemp -d /tmp/pg-counters-XXXX)
PORT=$((20000 + RANDOM % 10000))
AS=""; [ "$(id -u)" = 0 ] && { chown postgres "$DIR"; AS="runuser -u postgres --"; }
$AS "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
$AS "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=100 -c fsync=on -c synchronous_commit=on" start >/dev/null
trap '$AS "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null; rm -rf "$DIR"' EXIT
PSQL=("$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1)
"${PSQL[@]}" -f "$HERE/schema.sql"

run() { # name script
  "${PSQL[@]}" -c "TRUNCATE entries, counter_deltas; UPDATE stores SET key_count = 0, size_bytes = 0; UPDATE partition_counters SET key_count = 0, size_bytes = 0;"
  local tps
  tps=$("$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -n -c 32 -j 2 -T "$SECONDS_PER_RUN" -f "$HERE/$2" postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  echo "$1: ${tps} writes/s"
}

run "(a) one counter row per store      " write-a.sql
run "(b) counter row per partition (x8) " write-b.sql
run "(c) delta rows, summed on read     " write-c.sql
DELTAS=$("${PSQL[@]}" -c "SELECT count(*) FROM counter_deltas")

# Read cost: the counter read of each design, 2000 times from one client (milliseconds per read).
read_cost() { # name sql
  local tps
  tps=$("$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -n -c 1 -t 2000 -f <(echo "$2") postgres 2>/dev/null | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
  echo "$1: ${tps} ms per read"
}
read_cost "(a) read one row                         " "SELECT key_count, size_bytes FROM stores WHERE id = 1;"
read_cost "(b) sum 8 partition rows                 " "SELECT sum(key_count), sum(size_bytes) FROM partition_counters WHERE store_id = 1;"
read_cost "(c) sum ${DELTAS} delta rows (one whole run, uncompacted)" "SELECT s.key_count + coalesce(sum(d.keys), 0), s.size_bytes + coalesce(sum(d.bytes), 0) FROM stores s LEFT JOIN counter_deltas d ON d.store_id = s.id WHERE s.id = 1 GROUP BY s.id;"
"${PSQL[@]}" -c "DELETE FROM counter_deltas WHERE id > (SELECT min(id) + 999 FROM counter_deltas)"
"${PSQL[@]}" -c "VACUUM ANALYZE counter_deltas"
read_cost "(c) sum 1000 delta rows (about 1 s of writes, compacted each second)" "SELECT s.key_count + coalesce(sum(d.keys), 0), s.size_bytes + coalesce(sum(d.bytes), 0) FROM stores s LEFT JOIN counter_deltas d ON d.store_id = s.id WHERE s.id = 1 GROUP BY s.id;"
