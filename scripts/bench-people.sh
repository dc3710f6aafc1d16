#!/usr/bin/env bash
# Measures a coach's `/people` at clinic size on PostgreSQL: 200 people with 26 weeks of
# simulated journal each (`amble-sim --journal-out`), all linked to one coach; `amble serve`
# on the database, the coach signed in; 16 connections (wrk when installed, else
# scripts/http-load.py: see scripts/bench-lib.sh) on one server, then on two servers sharing the
# database. Prints requests/s and latency percentiles, with the load average before each run
# (the cores may be shared).
#
# Usage: scripts/bench-people.sh POSTGRES_URL [SECONDS] [PEOPLE]
#   POSTGRES_URL: a server where the role may create databases, e.g.
#   postgres://amble@127.0.0.1:5432/postgres (a database `amble_bench_people` is made afresh).
#   PROFILE=release (default) or PROFILE=dev picks the build; REUSE=1 keeps the database a
#   previous run loaded (only the measurements run again); PORT=18431 the first server's port
#   (the second is PORT+1); RUNS=3 repeats the measurements; DB=NAME another database name;
#   CLIENT=python uses scripts/http-load.py even where wrk is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
url=${1:?usage: scripts/bench-people.sh POSTGRES_URL [SECONDS] [PEOPLE]}
secs=${2:-10}
people=${3:-200}
profile=${PROFILE:-release}
case $profile in release) dir=release ;; dev) dir=debug ;; *) echo "PROFILE: release or dev" >&2; exit 2 ;; esac
[[ $people =~ ^[0-9]+$ ]] && (( people >= 1 && people <= 5000 )) || { echo "PEOPLE: 1..5000" >&2; exit 2; }
[[ $secs =~ ^[0-9]+$ ]] && (( secs >= 1 && secs <= 600 )) || { echo "SECONDS: 1..600" >&2; exit 2; }
port=${PORT:-18431}
runs=${RUNS:-1}
[[ $runs =~ ^[0-9]+$ ]] && (( runs >= 1 && runs <= 10 )) || { echo "RUNS: 1..10" >&2; exit 2; }
[[ $port =~ ^[0-9]+$ ]] && (( port >= 1024 && port <= 65000 )) || { echo "PORT: 1024..65000" >&2; exit 2; }
cargo build --profile "$profile" --quiet -p amble -p amble-sim
bin=target/$dir/amble
sim=target/$dir/amble-sim
today=2026-07-06   # the day after the simulated 26 weeks (from 2026-01-05)
name=${DB:-amble_bench_people}
[[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "DB: a lower-case database name" >&2; exit 2; }
base=${url%/*}
db="$base/$name"
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

export AMBLE_DATABASE_URL=$db AMBLE_TODAY=$today
pw='a long enough secret'
if [ "${REUSE:-0}" != 1 ]; then
  PGOPTIONS="-c client_min_messages=warning" psql "$url" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
  "$bin" db migrate >/dev/null
  echo "$pw" | "$bin" user add --email coach@clinic.example --role coach --password-stdin >/dev/null
  t0=$(date +%s)
  add_one() { # i
    local email="p$1@clinic.example"
    "$sim" --journal-out "$work/$1.json" --weeks 26 --seed "$1" >/dev/null
    echo "$pw" | "$bin" user add --email "$email" --role person --password-stdin >/dev/null
    "$bin" --as "$email" journal import "$work/$1.json" >/dev/null
    "$bin" user link --coach coach@clinic.example --person "$email" >/dev/null
    rm -f "$work/$1.json"
  }
  export -f add_one; export bin sim work pw
  seq 1 "$people" | xargs -P 2 -I{} bash -c 'add_one {}'
  loaded=", loaded in $(( $(date +%s) - t0 )) s"
fi
entries=$(psql "$db" -tAc "SELECT count(*) FROM entries")
echo "$(psql "$db" -tAc "SELECT count(*) FROM users WHERE role = 'person'") people, $entries entries${loaded:-}"

p1=$port p2=$((port + 1))
bench_serve "$p1" "$work/serve-1.log"
bench_serve "$p2" "$work/serve-2.log"
server_pids="${pids[*]}"
cookie=$(bench_signin "$p1" coach@clinic.example "$pw")
rows=$(curl -s -H "Cookie: $cookie" http://127.0.0.1:$p1/api/v1/people | python3 -c "import json,sys; print(len(json.load(sys.stdin)['people']))")
echo "the coach's list has $rows people"
first=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" http://127.0.0.1:$p2/people)
echo "first /people on a fresh server (every summary computed): ${first}s"
curl -s -o /dev/null -H "Cookie: $cookie" http://127.0.0.1:$p1/people

run() { # label urls...
  local label=$1; shift
  echo "$label: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  bench_load "$cookie" "$@"
}
for r in $(seq "$runs"); do
  run "one server, /people (run $r)" http://127.0.0.1:$p1/people
  run "one server, /api/v1/people (run $r)" http://127.0.0.1:$p1/api/v1/people
  run "two servers, /people (run $r)" http://127.0.0.1:$p1/people http://127.0.0.1:$p2/people
done
echo "audit records of list views: $(psql "$db" -tAc "SELECT count(*) FROM audit_log WHERE action = 'read-list'")"
