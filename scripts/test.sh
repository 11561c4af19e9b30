#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine: installs what the tests need,
# builds once, runs all test projects, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: chromium for the console's browser tests (driven by
# Playwright's bundled driver; no browser download), PostgreSQL for the PostgreSQL
# provider's tests (a throwaway server, below), haproxy for the multi-node process tests,
# and Node.js with npm for the OpenID Connect relying party of the console tests.
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || packages+=(postgresql)
[ -x /usr/sbin/haproxy ] || packages+=(haproxy)
# Node for the relying party the console tests drive through the authorization code flow
# (openid-client, a certified OpenID Connect client; tests/Stowage.Console.Tests/rp).
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
# A real Prometheus text-format parser for the /metrics tests (Debian's prometheus_client).
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || packages+=(python3-prometheus-client)
if [ "${#packages[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null; }; then
    echo "could not install: ${packages[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

if ! (cd tests/Stowage.Console.Tests/rp && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
  echo "could not install the relying party's packages (npm ci in tests/Stowage.Console.Tests/rp)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

results="$(mktemp -d)"
pg_dir=""
pg_bin="$(compgen -G "/usr/lib/postgresql/*/bin" | sort -V | tail -n 1)"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -n "$pg_dir" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$pg_dir"
  fi
  rm -rf "$results"
}
trap cleanup EXIT

# A throwaway PostgreSQL server for the tests: loopback only, a port below the ephemeral
# range, fsync on (the durability tests mean it), removed at the end whatever happens.
pg_dir="$(mktemp -d /tmp/stowage-test-pg.XXXXXX)"
[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pg_dir"
pg_port=25432
while (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((pg_port + 1)); done
if ! { as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1 \
    && as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c max_connections=300 -c wal_level=replica -c max_wal_senders=10" \
      start >/dev/null; }; then
  echo "could not start PostgreSQL for the tests:" >&2
  cat "$pg_dir/initdb.log" "$pg_dir/log" >&2 2>/dev/null
  echo "0 passed, 1 failed"
  exit 1
fi
export STOWAGE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

if ! dotnet build Stowage.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

# A test that hangs must fail the run, not stall it: the runner stops a test host in which no
# test started or finished for five minutes (the longest test takes about one) and names the
# tests that were running.
hang=(--blame-hang-timeout 5m --blame-hang-dump-type none)

dotnet test Stowage.slnx -c Release --no-build -nologo "${hang[@]}" \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?

# The server's end-to-end tests, the crash loop and the fuzzer once more on the PostgreSQL
# provider (tests about SQLite files themselves are marked Provider=sqlite, and tests that pick
# their providers themselves Runs=once; both stay out). The console's pages go through the same
# services as the API, whose PostgreSQL behaviour the server's tests pin; of the browser tests,
# the flows that cross the most storage run again: an app created and its token used, the
# authorization code flow and the authorizations it leaves, values, rate limits and usage.
console_on_postgres="FullyQualifiedName~.ConnectedAppFlowTests.|FullyQualifiedName~.UserBehalfFlowTests.|FullyQualifiedName~.AuthorizationsPageTests.|FullyQualifiedName~.ObjectStoreValuePageTests.|FullyQualifiedName~.StoreRateLimitPageTests.|FullyQualifiedName~.UsagePageTests."
for project in tests/Stowage.Server.Tests tests/Stowage.Console.Tests tests/Stowage.Reliability.Tests; do
  filter="Provider!=sqlite&Runs!=once"
  [ "$project" != tests/Stowage.Console.Tests ] || filter="($filter)&($console_on_postgres)"
  STOWAGE_TEST_PROVIDER=postgres dotnet test "$project" -c Release --no-build -nologo "${hang[@]}" --filter "$filter" \
    --logger "trx;LogFilePrefix=postgres" --logger "console;verbosity=minimal" --results-directory "$results" || status=1
done

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failed test (a crashed test host): count it as a failure.
  failed=1
fi

echo "$passed passed, $failed failed"
exit "$status"
