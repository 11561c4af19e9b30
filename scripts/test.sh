#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine: installs what the tests need,
# builds once, runs all test projects, and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: chromium for the console's browser tests (driven by
# Playwright's bundled driver; no browser download).
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
if [ "${#packages[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null; }; then
    echo "could not install: ${packages[*]}" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

if ! dotnet build Stowage.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Stowage.slnx -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results"
status=$?

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
