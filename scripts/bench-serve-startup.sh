#!/usr/bin/env bash
# Measures how long `amble serve` takes from launch until it prints its URL (it is listening by
# then), over N runs, on the release build. Usage: scripts/bench-serve-startup.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
cargo build --release --quiet
bin=target/release/amble
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
times=()
for _ in $(seq "$n"); do
  start=$(date +%s%N)
  coproc SERVE { "$bin" --data-dir "$data" serve --bind 127.0.0.1:0 2>/dev/null; }
  read -r url <&"${SERVE[0]}"
  end=$(date +%s%N)
  kill "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
  times+=($(( (end - start) / 1000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | awk -v n="$n" 'NR==int((n+1)/2)')
max=$(echo "$sorted" | tail -1)
min=$(echo "$sorted" | head -1)
echo "amble serve: launch to URL printed (listening), $n runs: min ${min} us, median ${median} us, max ${max} us"
