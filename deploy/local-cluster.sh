#!/usr/bin/env bash
# Try a Stowage cluster on one machine: PostgreSQL from the distribution's packages, three
# nodes on 127.0.0.1:9001-9003 sharing it, haproxy on 127.0.0.1:8080 in front.
#
#   deploy/local-cluster.sh start    # installs what is missing, builds, starts everything
#   deploy/local-cluster.sh status
#   deploy/local-cluster.sh stop     # stops everything and removes its files
#
# Everything lives under $STOWAGE_CLUSTER_DIR (default /tmp/stowage-cluster). Run as root or a
# user with sudo (apt-get, and PostgreSQL runs as the postgres user when started by root).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${STOWAGE_CLUSTER_DIR:-/tmp/stowage-cluster}"
pg_port="${STOWAGE_CLUSTER_PG_PORT:-25433}"
nodes=(9001 9002 9003)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -n 1; }

start() {
  local missing=()
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  command -v haproxy >/dev/null || missing+=(haproxy)
  if [ "${#missing[@]}" -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi

  mkdir -p "$dir"
  chmod 0755 "$dir"
  echo "building the server (Release)..."
  dotnet build src/Stowage.Server -c Release -nologo -clp:ErrorsOnly >/dev/null

  if [ ! -d "$dir/pg/data" ]; then
    install -d -m 0700 "$dir/pg"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir/pg"
    as_postgres "$(pg_bin)/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir/pg" start >/dev/null
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'stowage'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE stowage"

  # The master key every node reads: 32 random bytes, owner-only.
  [ -f "$dir/master.key" ] || { head -c 32 /dev/urandom > "$dir/master.key"; chmod 0600 "$dir/master.key"; }
  [ -f "$dir/admin-password" ] || { (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' 'Ab' > "$dir/admin-password"); }

  local dll="src/Stowage.Server/bin/Release/net10.0/Stowage.Server.dll"
  for port in "${nodes[@]}"; do
    mkdir -p "$dir/node-$port"
    Stowage__Storage__Provider=postgres \
    Stowage__Storage__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=stowage" \
    Stowage__MasterKeyFile="$dir/master.key" \
    Stowage__DataDirectory="$dir/node-$port/data" \
    Stowage__Https__Enabled=false \
    Stowage__PublicBaseUrl="http://127.0.0.1:8080/" \
    Stowage__TrustedProxies__0=127.0.0.1 \
    Stowage__Admin__Password="$(cat "$dir/admin-password")" \
      nohup dotnet "$dll" --urls "http://127.0.0.1:$port" >"$dir/node-$port/log" 2>&1 &
    echo $! > "$dir/node-$port/pid"
  done

  for port in "${nodes[@]}"; do
    for _ in $(seq 1 120); do
      curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
      sleep 0.5
    done
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "node $port did not start; see $dir/node-$port/log" >&2; exit 1; }
  done

  haproxy -D -f deploy/haproxy.cfg -p "$dir/haproxy.pid"
  echo "Stowage cluster: http://127.0.0.1:8080/ (console at /console, user admin, password in $dir/admin-password)"
  echo "nodes: ${nodes[*]} on 127.0.0.1; stop one with: kill \$(cat $dir/node-9002/pid)"
}

status() {
  for port in "${nodes[@]}"; do
    printf 'node %s: %s\n' "$port" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)"
  done
  printf 'haproxy 8080: %s\n' "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/readyz || true)"
}

stop() {
  [ -f "$dir/haproxy.pid" ] && kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
  for port in "${nodes[@]}"; do
    [ -f "$dir/node-$port/pid" ] && kill "$(cat "$dir/node-$port/pid")" 2>/dev/null || true
  done
  sleep 1
  if [ -d "$dir/pg/data" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  echo "stopped"
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
