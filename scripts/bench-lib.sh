# Helpers shared by scripts/bench-people.sh and scripts/bench-network.sh (sourced, not run).
#
# bench_load COOKIE URL [URL...]: 16 connections kept alive for $secs seconds, GET URL with the
# cookie; prints one JSON line (requests, errors, requests_per_s, p50_ms, p90_ms, p99_ms,
# max_ms). With wrk installed (Debian's `wrk`) it is the client: one thread per server, so the
# client takes a core at most, and several URLs (servers on other ports of the same host) are
# spread by scripts/wrk-servers.lua. CLIENT=python (or no wrk) uses scripts/http-load.py,
# which costs much more CPU per request on the same cores.
# Then one more line: the CPU time per request of the client, of the servers (the pids in
# $server_pids) and of every `postgres` process of the machine (the database server; it may
# serve others at the same time), from /proc: where the cores' time went.

cpu_ticks() { # pid...: user + system CPU ticks used so far (processes that ended are not counted)
  local t=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$t"
}

bench_load() {
  local cookie=$1; shift
  local hz; hz=$(getconf CLK_TCK)
  local s0 p0; s0=$(cpu_ticks ${server_pids:-}); p0=$(cpu_ticks $(pgrep -x postgres || true))
  local out; out=$(mktemp)
  if [ "${CLIENT:-wrk}" = wrk ] && command -v wrk >/dev/null 2>&1; then
    local ports=() u
    for u in "$@"; do ports+=("$(printf '%s' "$u" | sed -E 's#^[a-z]+://[^:/]+:([0-9]+).*#\1#')"); done
    WRK_PORTS="${ports[*]}" /usr/bin/time -f '%U %S' -o "$out.time" wrk -t"$#" -c16 -d"${secs}s" --latency -s scripts/wrk-servers.lua \
      -H "Cookie: $cookie" "$1" | awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      $1 == "Latency" && $2 !~ /Distribution/ { max = ms($4) }
      $1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
      / requests in / { n = $1 }
      /Non-2xx or 3xx responses:/ { bad += $NF }
      /Socket errors:/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
      /^Requests\/sec:/ { rps = $2 }
      END { printf "{\"client\": \"wrk\", \"requests\": %d, \"errors\": %d, \"requests_per_s\": %.1f, \"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f}\n", n - bad, bad, rps, p50, p90, p99, max }' | tee "$out"
  else
    /usr/bin/time -f '%U %S' -o "$out.time" \
      python3 scripts/http-load.py --connections 16 --seconds "$secs" --header "Cookie: $cookie" "$@" | tee "$out"
  fi
  local s1 p1; s1=$(cpu_ticks ${server_pids:-}); p1=$(cpu_ticks $(pgrep -x postgres || true))
  python3 - "$out" "$hz" "$((s1 - s0))" "$((p1 - p0))" "$(cat "$out.time" 2>/dev/null || echo 0 0)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
hz, server, pg = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
client = sum(float(x) for x in sys.argv[5].split()[:2])
n = max(r["requests"] + r["errors"], 1)
ms = lambda v: round(v * 1000 / n, 2)
print(json.dumps({"cpu_ms_per_request": {"client": ms(client), "servers": ms(server / hz), "postgres": ms(pg / hz)}}))
PY
  rm -f "$out" "$out.time"
}

# bench_serve PORT LOG: `$bin serve` on 127.0.0.1:PORT (database from the environment), its pid
# appended to the array `pids`; waits until it answers.
bench_serve() {
  if curl -s -o /dev/null "http://127.0.0.1:$1/login"; then
    echo "port $1 is in use: set PORT to another base port" >&2; exit 1
  fi
  "$bin" serve --bind "127.0.0.1:$1" >"$2" 2>&1 &
  pids+=($!)
  local _
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$1/login" && return; sleep 0.1; done
  echo "server on $1 did not start" >&2; cat "$2" >&2; exit 1
}

# bench_signin PORT EMAIL PASSWORD: prints the session cookie (name=value).
bench_signin() {
  local cookie
  cookie=$(curl -si -H 'Content-Type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"$3\"}" \
    "http://127.0.0.1:$1/api/v1/session" | tr -d '\r' | awk -F'[:;] *' 'tolower($1)=="set-cookie" {print $2; exit}')
  [ -n "$cookie" ] || { echo "could not sign in as $2" >&2; exit 1; }
  printf '%s\n' "$cookie"
}
