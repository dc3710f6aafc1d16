#!/usr/bin/env bash
# The API keeps its word (contract §12): schemathesis 4 checks every answer of a local
# `amble serve` against crates/amble-web/openapi.json (status codes, content types, schemas,
# JSON errors), with a fixed seed and a bounded number of examples, and fails on any finding.
#
#   scripts/api-check.sh                  # uses target/debug/amble (built if missing)
#   AMBLE=path/to/amble API_CHECK_EXAMPLES=100 API_CHECK_SEED=7 scripts/api-check.sh
#
# schemathesis is installed with pip into a virtual environment (API_CHECK_VENV, default
# ~/.cache/amble/api-check-venv; reused when present). The server runs on a throwaway journal with a
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
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$AMBLE" --data-dir "$WORK/journal" --today 2099-12-31 serve --bind 127.0.0.1:0 \
  >"$WORK/url" 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do
  [ -s "$WORK/url" ] && break
  sleep 0.1
done
URL=$(head -1 "$WORK/url")
[ -n "$URL" ] || { echo "the server did not start:"; cat "$WORK/server.log"; exit 1; }
echo "== schemathesis against $URL (seed $SEED, $EXAMPLES examples per operation)"

status=0
# The description in the tree, which the server also serves (include_str!), checked against
# the running server.
# (Run from the temporary folder: schemathesis keeps a cache folder where it runs.)
ROOT=$(pwd)
(cd "$WORK" && "$VENV/bin/schemathesis" --config-file "$ROOT/scripts/api-check.toml" \
  run "$ROOT/crates/amble-web/openapi.json" \
  --url "${URL%/}" --seed "$SEED" --max-examples "$EXAMPLES" \
  --workers 1 --request-timeout 20) \
  || status=$?
if [ "$status" != 0 ]; then
  echo "api-check: schemathesis found answers that do not match openapi.json (seed $SEED)"
  echo "-- the server's log, last lines:"
  tail -20 "$WORK/server.log" || true
fi
exit "$status"
