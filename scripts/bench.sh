#!/usr/bin/env bash
# Measures `communs serve`: start-up time, idle memory, and requests per second on /healthz and on an
# organisation home page (signed in), with wrk (Debian package `wrk`). Prints a Markdown table for
# BENCHMARKS.md. Usage: scripts/bench.sh [DURATION_SECONDS]   (COMMUNS_BENCH_DATABASE_URL=postgres://…
# to measure on PostgreSQL; the SQLite file of a temporary data folder otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
cargo build --release --locked -q
BIN="${CARGO_TARGET_DIR:-target}/release/communs"
DATA=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
ADDR="127.0.0.1:$PORT"
DB_ARGS=()
[ -n "${COMMUNS_BENCH_DATABASE_URL:-}" ] && DB_ARGS=(--database-url "$COMMUNS_BENCH_DATABASE_URL")
export COMMUNS_LOG=warn
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }
wait_ready() { until curl -fs "http://$ADDR/healthz" >/dev/null 2>&1; do sleep 0.005; done; }

# First start: migrations and demo data loaded into an empty database.
t0=$(now_ms)
"$BIN" --data-dir "$DATA" "${DB_ARGS[@]}" serve --addr "$ADDR" --demo >/dev/null &
PID=$!
wait_ready
first_start=$(( $(now_ms) - t0 ))
kill -TERM "$PID"; wait "$PID" || true

# Second start: an existing database, the everyday case.
t0=$(now_ms)
"$BIN" --data-dir "$DATA" "${DB_ARGS[@]}" serve --addr "$ADDR" --demo >/dev/null &
PID=$!
wait_ready
restart=$(( $(now_ms) - t0 ))
sleep 2
idle_rss_kb=$(ps -o rss= -p "$PID" | tr -d ' ')

cookie=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
    -d '{"email":"admin@juvignac.demo.communs.fr","password":"communs-demo-2026"}' "http://$ADDR/api/v1/session" \
    | sed -n 's/^set-cookie: \(communs_session=[^;]*\).*/\1/Ip' | tr -d '\r')
[ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
curl -fs -H "Cookie: $cookie" "http://$ADDR/juvignac/" | grep -q "Juvignac" || { echo "home page not served" >&2; exit 1; }

rps() { wrk -t2 -c32 -d"${DURATION}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
healthz_rps=$(rps "http://$ADDR/healthz")
home_rps=$(rps -H "Cookie: $cookie" "http://$ADDR/juvignac/")
loaded_rss_kb=$(ps -o rss= -p "$PID" | tr -d ' ')

backend=sqlite; [ -n "${COMMUNS_BENCH_DATABASE_URL:-}" ] && backend=postgresql
cat <<TABLE
| Measure ($backend, $(nproc) cores, $(uname -m)) | Value |
|---|---|
| First start-up (migrations + demo data) until /healthz answers | ${first_start} ms |
| Start-up on an existing database until /healthz answers | ${restart} ms |
| Idle resident memory after start-up | $((idle_rss_kb / 1024)) MiB |
| Resident memory after the load tests | $((loaded_rss_kb / 1024)) MiB |
| \`GET /healthz\` (wrk -t2 -c32 -d${DURATION}s) | ${healthz_rps} req/s |
| \`GET /juvignac/\` signed in (session + memberships lookups, page render) | ${home_rps} req/s |
TABLE
