#!/usr/bin/env bash
# Property-based test of the admin API against its own OpenAPI document (schemathesis): starts the server
# on the embedded database in a temporary data folder on a free port (no chat bot), imports the sample
# organization, issues an admin token, calls every operation, and fails on any 5xx or any response that
# does not match the documented schema. Stops the server and removes the data folder on exit.
#
#   bash scripts/api-fuzz.sh            (API_FUZZ_MAX_EXAMPLES=<n> per operation, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version="3.39.16"
venv=".tools/venv"
max_examples="${API_FUZZ_MAX_EXAMPLES:-30}"

if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/pip" show schemathesis 2>/dev/null | grep -qx "Version: $schemathesis_version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/shenfa-api-fuzz-XXXXXX")"
log="$work/server.log"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT

export NODE_ENV=development
export SHENFA_DATA_DIR="$work/data"
export BOT_ENABLED=false
export PORT=0
export HTTP_HOST=127.0.0.1
export JWT_SECRET="api-fuzz-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
export LOG_LEVEL=info
# Schemathesis sends many requests to the auth routes; their rate limit is tested elsewhere.
export AUTH_RATE_LIMIT_PER_MINUTE=100000

node --import tsx src/main.ts >"$log" 2>&1 &
server_pid=$!

base_url=""
database_uri=""
for _ in $(seq 1 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "api-fuzz: the server exited while starting:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  base_url="$(sed -nE 's/.*"url":"(http[^"]+)".*"msg":"API listening".*/\1/p' "$log" | tail -n 1)"
  [ -n "$base_url" ] && break
  sleep 0.2
done
if [ -z "$base_url" ]; then
  echo "api-fuzz: the server did not start within 60 s:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
database_uri="$(sed -nE 's/.*"uri":"(mongodb[^"]+)".*"msg":"database connected".*/\1/p' "$log" | tail -n 1)"
echo "api-fuzz: server at $base_url, database $database_uri"

# The admin CLI works on the server's own (embedded) database.
MONGODB_URI="$database_uri" npx tsx scripts/admin.ts import docs/sample-organization.json
token="$(MONGODB_URI="$database_uri" npx tsx scripts/admin.ts api-token 李静 | sed -n 2p)"
if [ -z "$token" ]; then
  echo "api-fuzz: no API token was issued" >&2
  exit 1
fi

# Logout would end nothing (CLI tokens have no session) but audit/verify and exports are fine to call.
"$venv/bin/st" run "$base_url/api/v1/openapi.json" \
  --base-url "$base_url/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance \
  --hypothesis-max-examples "$max_examples" \
  --hypothesis-derandomize \
  --hypothesis-database none \
  --no-color \
  --experimental=openapi-3.1 \
  --show-trace
