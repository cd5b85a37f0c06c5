#!/usr/bin/env bash
# Starts a real S3-compatible server (s3s-fs: objects are files under a data folder) on 127.0.0.1 for the
# tests of the blob store, installing it with `cargo install` when it is missing (≈ 3 min on 2 cores, once;
# cache the install root in CI). Prints on stdout the variables the tests read; everything else goes to
# stderr, so this works:
#
#     eval "$(scripts/s3-test-server.sh)"
#     cargo test -p store --test it blobs
#     scripts/s3-test-server.sh stop
#
# Settings (environment):
#   S3_TEST_PORT          port (default 9000)
#   S3_TEST_DIR           data folder, pid and log (default ${TMPDIR:-/tmp}/communs-s3-test)
#   S3_TEST_INSTALL_ROOT  where `cargo install` puts bin/s3s-fs (default ${CARGO_HOME:-$HOME/.cargo})
#   S3S_FS_VERSION        s3s-fs version (default 0.14.1, the last one building on Rust 1.95)
set -euo pipefail

PORT="${S3_TEST_PORT:-9000}"
DIR="${S3_TEST_DIR:-${TMPDIR:-/tmp}/communs-s3-test}"
INSTALL_ROOT="${S3_TEST_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}"
VERSION="${S3S_FS_VERSION:-0.14.1}"
ACCESS_KEY="communs-test"
SECRET_KEY="communs-test-secret"
BUCKET="communs-test"
PIDFILE="$DIR/s3s-fs.pid"

log() { echo "s3-test-server: $*" >&2; }

running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

if [[ "${1:-start}" == "stop" ]]; then
    if running; then
        kill "$(cat "$PIDFILE")"
        rm -f "$PIDFILE"
        # The objects the tests wrote are of no further use: give their disk back.
        rm -rf "$DIR/data"
        log "stopped"
    else
        log "not running"
    fi
    exit 0
fi

# The binary: on PATH, in the install root, or built now.
BIN="$(command -v s3s-fs || true)"
if [[ -z "$BIN" && -x "$INSTALL_ROOT/bin/s3s-fs" ]]; then
    BIN="$INSTALL_ROOT/bin/s3s-fs"
fi
if [[ -z "$BIN" ]]; then
    log "installing s3s-fs $VERSION into $INSTALL_ROOT (a few minutes)…"
    start=$(date +%s)
    cargo install s3s-fs --version "$VERSION" --features binary --locked --root "$INSTALL_ROOT" >&2
    log "installed in $(( $(date +%s) - start )) s"
    BIN="$INSTALL_ROOT/bin/s3s-fs"
fi

mkdir -p "$DIR/data/$BUCKET"

if running; then
    log "already running (pid $(cat "$PIDFILE"))"
else
    "$BIN" --host 127.0.0.1 --port "$PORT" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
        "$DIR/data" >"$DIR/s3s-fs.log" 2>&1 &
    echo $! >"$PIDFILE"
    # Any HTTP answer (an anonymous request gets 403) means it listens.
    for _ in $(seq 1 50); do
        if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
            break
        fi
        if ! running; then
            log "s3s-fs exited; its log:"
            cat "$DIR/s3s-fs.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" || { log "s3s-fs does not answer on port $PORT"; exit 1; }
    log "s3s-fs listening on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), data $DIR/data, log $DIR/s3s-fs.log)"
fi

cat <<EOF
export COMMUNS_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT
export COMMUNS_TEST_S3_BUCKET=$BUCKET
export COMMUNS_TEST_S3_ACCESS_KEY_ID=$ACCESS_KEY
export COMMUNS_TEST_S3_SECRET_ACCESS_KEY=$SECRET_KEY
export COMMUNS_TEST_S3_REGION=us-east-1
EOF
