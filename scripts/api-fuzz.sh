#!/usr/bin/env bash
# Property-based test of the admin API against its own OpenAPI document (schemathesis): starts the server
# on the embedded database in a temporary data folder on a free port (no chat bot), imports the sample
# organization, a branch admin and a few drafts and accounts (scripts/api-fuzz-seed.ts), then runs two
# passes — with the top admin's token (李静, the whole county) and with a branch admin's (韩梅, 县应急管理局
# only, so scope checks meet records outside it) — each calling every operation, then following the
# OpenAPI links from lists to the routes that take their ids; fails on any 5xx or any response that does
# not match the documented schema. Stops the server and removes the data folder on exit.
#
#   bash scripts/api-fuzz.sh            (API_FUZZ_MAX_EXAMPLES=<n> per operation and pass, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."

schemathesis_version="3.39.16"
# Newer Hypothesis releases break the hypothesis-jsonschema that schemathesis 3.39 uses ('many' has no 'more').
hypothesis_version="6.120.0"
# API_FUZZ_VENV puts the virtualenv elsewhere (e.g. outside a shared .tools).
venv="${API_FUZZ_VENV:-.tools/venv}"
max_examples="${API_FUZZ_MAX_EXAMPLES:-30}"

installed() { "$venv/bin/pip" show "$1" 2>/dev/null | grep -qx "Version: $2"; }
if [ ! -x "$venv/bin/st" ] || ! installed schemathesis "$schemathesis_version" || ! installed hypothesis "$hypothesis_version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==$schemathesis_version" "hypothesis==$hypothesis_version"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/shenfa-api-fuzz-XXXXXX")"
log="$work/server.log"
server_pid=""
wechat_pid=""
stop_server() {
  [ -n "$wechat_pid" ] && kill -TERM "$wechat_pid" 2>/dev/null || true
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
# The script reads the API address and the database from the JSON log lines.
export LOG_FORMAT=json
# Schemathesis sends many requests to the auth routes; their rate limit is tested elsewhere.
export AUTH_RATE_LIMIT_PER_MINUTE=100000

# WeChat's jscode2session is out of reach: a local fake maps "code-<openid>" to that openid and answers
# any other code as invalid (errcode 40029), as test/support/api-harness.ts does.
node -e '
  const server = require("node:http").createServer((request, response) => {
    const code = new URL(request.url, "http://localhost").searchParams.get("js_code") || "";
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(code.startsWith("code-")
      ? { openid: code.slice(5).replace(/[^\w-]/g, "").slice(0, 64) || "fuzz", session_key: "k" }
      : { errcode: 40029, errmsg: "invalid code" }));
  });
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
' >"$work/wechat.port" &
wechat_pid=$!
for _ in $(seq 1 50); do [ -s "$work/wechat.port" ] && break; sleep 0.1; done
export WECHAT_API_BASE_URL="http://127.0.0.1:$(cat "$work/wechat.port")"

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
# A branch admin, and drafts and accounts for the routes that take their ids (reached through the
# document's OpenAPI links).
MONGODB_URI="$database_uri" npx tsx scripts/api-fuzz-seed.ts
issue_token() { MONGODB_URI="$database_uri" npx tsx scripts/admin.ts api-token "$1" | sed -n 2p; }
top_admin_token="$(issue_token 李静)"
branch_admin_token="$(issue_token 韩梅)"
if [ -z "$top_admin_token" ] || [ -z "$branch_admin_token" ]; then
  echo "api-fuzz: no API token was issued" >&2
  exit 1
fi

fuzz_pass() {
  local started=$SECONDS status
  echo "api-fuzz: pass as $1"
  "$venv/bin/st" run "$base_url/api/v1/openapi.json" \
    --base-url "$base_url/api/v1" \
    --header "Authorization: Bearer $2" \
    --checks not_a_server_error,response_schema_conformance \
    --stateful=links \
    --hypothesis-max-examples "$max_examples" \
    --hypothesis-derandomize \
    --no-color \
    --experimental=openapi-3.1 \
    --show-trace && status=0 || status=$?
  echo "api-fuzz: pass as $1 took $((SECONDS - started)) s (exit $status)"
  return "$status"
}

# Both passes run even when the first fails, so one run shows every failure.
failed=0
fuzz_pass "the top admin (李静, 某县人民政府)" "$top_admin_token" || failed=1
fuzz_pass "a branch admin (韩梅, 县应急管理局)" "$branch_admin_token" || failed=1
exit "$failed"
