#!/usr/bin/env bash
# The API keeps its word (contract §12): schemathesis 4 checks every answer of a local
# `amble serve` against crates/amble-web/openapi.json (status codes, content types, schemas,
# JSON errors), with a fixed seed and a bounded number of examples, and fails on any finding.
#
#   scripts/api-check.sh                  # uses target/debug/amble (built if missing)
#   AMBLE=path/to/amble API_CHECK_EXAMPLES=100 API_CHECK_SEED=7 scripts/api-check.sh
#
# schemathesis is installed with pip into a virtual environment (API_CHECK_VENV, default
# ~/.cache/amble/api-check-venv; reused when present). Two throwaway servers (one for the writes,
# one for the reads on a small journal), each with a
# fixed today far ahead (2099-12-31), so that every date the schema allows is one the server
# takes.
set -euo pipefail
cd "$(dirname "$0")/.."

export NO_COLOR=1
SEED=${API_CHECK_SEED:-20261206}
EXAMPLES=${API_CHECK_EXAMPLES:-25}
VENV=${API_CHECK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/amble/api-check-venv}
AMBLE=${AMBLE:-target/debug/amble}

if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "== installing schemathesis 4 into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'schemathesis>=4,<5'
fi
if [ ! -x "$AMBLE" ]; then
  echo "== building amble (debug)"
  cargo build --locked -q -p amble
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# A server on a journal of its own; its URL (without the final slash) in $URL. (Not in a
# command substitution: the server's id must reach the cleanup.)
URL=""
start_server() {
  local name=$1
  "$AMBLE" --data-dir "$WORK/$name" --today 2099-12-31 serve --bind 127.0.0.1:0 \
    >"$WORK/$name.url" 2>"$WORK/$name.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    [ -s "$WORK/$name.url" ] && break
    sleep 0.1
  done
  URL=$(head -1 "$WORK/$name.url")
  [ -n "$URL" ] || { echo "the server did not start:" >&2; cat "$WORK/$name.log" >&2; exit 1; }
  URL=${URL%/}
}

# Two runs, each on a fresh server: the writes (POST), and the reads on a small journal (a
# check-up and a walk), so that reads are checked on a journal with a plan without replaying
# the thousands of entries the writes store.
ROOT=$(pwd)
status=0
check() {
  local name=$1 url=$2; shift 2
  echo "== schemathesis, $name, against $url (seed $SEED, $EXAMPLES examples per operation)"
  # (Run from the temporary folder: schemathesis keeps a cache folder where it runs.)
  if ! (cd "$WORK" && "$VENV/bin/schemathesis" --config-file "$ROOT/scripts/api-check.toml" \
    run "$ROOT/crates/amble-web/openapi.json" --url "$url" --seed "$SEED" \
    --max-examples "$EXAMPLES" --workers 1 --request-timeout 20 "$@"); then
    status=1
    echo "api-check: schemathesis found answers that do not match openapi.json ($name, seed $SEED)"
    echo "-- the server's log, last lines:"
    tail -20 "$WORK/$name.log" || true
  fi
}

start_server writes
check writes "$URL" --include-method POST

start_server reads
READS=$URL
curl -fsS -o /dev/null -H 'Content-Type: application/json' \
  --data-binary @crates/amble-cli/tests/contract-examples/benign-ache-after-30-min.json \
  "$READS/api/v1/assessments?today=2099-12-01"
curl -fsS -o /dev/null -H 'Content-Type: application/json' \
  -d '{"date":"2099-12-02","minutes":20,"pain_before":1,"pain_peak":2}' "$READS/api/v1/walks"
check reads "$READS" --exclude-method POST
exit "$status"
