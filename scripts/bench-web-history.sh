#!/usr/bin/env bash
# Measures the web app with years of history against a short journal: requests per second and
# latency percentiles for every page and API read, at 16 concurrent connections (wrk, from
# Debian's `wrk` package). The journals are simulated people (`amble-sim --journal-out`): one
# with 2 weeks of entries, one with 5 years (daily mornings and step counts, walks, exercises).
#
# Usage: scripts/bench-web-history.sh [SECONDS_PER_PAGE]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet -p amble -p amble-sim
bin=target/release/amble
work=$(mktemp -d)
trap 'kill "${SERVE_PID:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

pages=(/ /today /plan /progress /journal /exercises /insights /report /report.pdf "/experiments?factor=surface&a=flat&b=hills&first_day=2030-12-01&weeks=6" /api/v1/plan /api/v1/today /api/v1/journal /api/v1/insights)

run() { # name weeks today
  local name=$1 weeks=$2 today=$3
  target/release/amble-sim --journal-out "$work/$name.json" --weeks "$weeks" >/dev/null
  "$bin" --data-dir "$work/$name" --today "$today" journal import "$work/$name.json" >/dev/null
  coproc SERVE { "$bin" --data-dir "$work/$name" --today "$today" serve --bind 127.0.0.1:0 2>/dev/null; }
  read -r url <&"${SERVE[0]}"
  local entries
  entries=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['entries']))" "$work/$name.json")
  for p in "${pages[@]}"; do
    # The first request after a change renders from scratch (reads and replays the journal):
    # a no-op write through a second connection makes the server read the journal again.
    "$bin" --data-dir "$work/$name" --today "$today" log morning --date "$today" --pain 2 >/dev/null
    cold=$(curl -s -o /dev/null -w '%{time_total}' "${url%/}$p")
    cold_ms=$(python3 -c "print(f'{float(\"$cold\")*1000:.1f}ms')")
    out=$(wrk -t2 -c16 -d"${secs}s" --latency "${url%/}$p")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    bytes=$(curl -s "${url%/}$p" | wc -c)
    echo "| $name ($entries entries) | $p | $cold_ms | $rps | $p50 | $p99 | $bytes |"
  done
  kill "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
}

echo "| journal | page | first request after a change | requests/s | p50 | p99 | bytes |"
echo "|---|---|---|---|---|---|---|"
run two-weeks 2 2026-01-19
run five-years 260 2030-12-31
