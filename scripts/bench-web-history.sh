#!/usr/bin/env bash
# Measures the web app with years of history against a short journal: requests per second and
# latency percentiles for every page and API read, at 16 concurrent connections (wrk, from
# Debian's `wrk` package). The journals are simulated people (`amble-sim --journal-out`): one
# with 2 weeks of entries, one with 5 years (daily mornings and step counts, walks, exercises),
# and the same 5 years with a gait recording on every walk (a summary and one window of
# measures per minute walked, added to the simulated journal before it is imported).
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

# Every walk of a journal document gets a gait recording with one window a minute.
with_gait() { # in out
  python3 - "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for e in doc["entries"]:
    if e.get("kind") != "walk":
        continue
    n = max(1, int(e["minutes"]))
    e["gait"] = {
        "file": "walk.csv", "walking_s": 60.0 * n, "steps": 100 * n, "cadence_spm": 104.2,
        "stride_length_m": 1.21, "speed_mps": 1.04, "step_time_cv": 0.031, "symmetry": 0.91,
        "windows": [{"start_s": 60.0 * k, "cadence_spm": 104.0 + k / 7.0,
                     "stride_length_m": 1.21 - k * 0.0031, "speed_mps": 1.04 - k * 0.0027,
                     "step_time_cv": 0.031, "symmetry": 0.91} for k in range(n)] if n >= 3 else [],
        "deterioration_onset_s": None,
    }
json.dump(doc, open(sys.argv[2], "w"))
PY
}

run() { # name weeks today [gait]
  local name=$1 weeks=$2 today=$3 gait=${4:-}
  target/release/amble-sim --journal-out "$work/$name.json" --weeks "$weeks" >/dev/null
  if [ -n "$gait" ]; then
    with_gait "$work/$name.json" "$work/$name.gait.json"
    mv "$work/$name.gait.json" "$work/$name.json"
  fi
  "$bin" --data-dir "$work/$name" --today "$today" journal import "$work/$name.json" >/dev/null
  coproc SERVE { "$bin" --data-dir "$work/$name" --today "$today" serve --bind 127.0.0.1:0 2>/dev/null; }
  read -r url <&"${SERVE[0]}"
  # A running server has read the journal once: the first page after start-up reads it whole.
  curl -s -o /dev/null "${url%/}/"
  local entries
  entries=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['entries']))" "$work/$name.json")
  for p in "${pages[@]}"; do
    # The first request after a change: a write through a second connection (today's morning
    # score corrected, as `amble log morning --replace` does) makes the server read what
    # changed and replay. Three times; the median counts (the machine is shared).
    times=()
    for pain in 3 2 3; do
      "$bin" --data-dir "$work/$name" --today "$today" log morning --date "$today" --pain "$pain" --replace >/dev/null
      times+=("$(curl -s -o /dev/null -w '%{time_total}' "${url%/}$p")")
    done
    cold=$(python3 -c "import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))" "${times[@]}")
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
run five-years-gait 260 2030-12-31 gait
