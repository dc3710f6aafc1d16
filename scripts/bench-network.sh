#!/usr/bin/env bash
# A clinic network's database: JOURNALS journals in one PostgreSQL database, and what a person,
# a coach and an import cost at 1,000 journals and again at JOURNALS (docs/performance.md, "A
# clinic network: 100,000 journals in one database").
#
# The database: one coach with 200 linked people of 26 weeks of simulated journal each (seeds 1
# to 200, as scripts/bench-people.sh), and background people up to 1,000 journals, then up to
# JOURNALS: each background journal is one of DISTINCT simulated journals of WEEKS weeks
# (`amble-sim --journal-out`), stored again under its own journal, and every 200 background
# people have a coach of their own. Rows are made by scripts/network-rows.py and loaded with
# COPY, as `amble journal import` would store them (`journals.version` 1 after one import, no
# id counters, `seq` from the table's sequence in the file's order); the accounts share one
# password hash (made by `amble user add`). One journal of each kind is exported and compared
# with the export of its source file imported by `amble journal import`, and with the source.
# Disk: about 100 kB per 8-week journal (10 GB for 100,000), plus WAL while loading.
#
# Measured at each size, on a fresh `amble serve`, with 16 connections for DURATION s (wrk when
# installed, see scripts/bench-lib.sh): a person's /today and /plan, the coach's /people (200
# people); then IMPORTS imports (`amble --as ... journal import`, one after another) of a 26-week
# journal, each into an existing person with an empty journal (made for it by `amble user add`).
# Prints requests/s, p50 and p99 for each, the load time and the database's size.
#
# Usage: scripts/bench-network.sh POSTGRES_URL [JOURNALS]
#   POSTGRES_URL: a server where the role may create databases, e.g.
#   postgres://amble@127.0.0.1:5432/postgres; JOURNALS: 1000..1000000 (default 100000).
#   Environment: DB=amble_bench_network (made afresh), WEEKS=8 (1..26), DISTINCT=2000
#   (1..20000), DURATION=10 (seconds, 1..600), IMPORTS=20 (1..200), PORT=18531 (a free port),
#   PROFILE=release (default) or dev; KEEP=1 keeps the database at the end (dropped otherwise);
#   REUSE=1 loads nothing and measures the database DB as a KEEP=1 run left it (once; each
#   run adds IMPORTS people); MIN_FREE_GB=25: on a local server, refuse to grow the database
#   when the estimate would leave less free disk than that.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-lib.sh
usage="usage: scripts/bench-network.sh POSTGRES_URL [JOURNALS]"
url=${1:?$usage}
journals=${2:-100000}
weeks=${WEEKS:-8}
distinct=${DISTINCT:-2000}
secs=${DURATION:-10}
imports=${IMPORTS:-20}
port=${PORT:-18531}
min_free=${MIN_FREE_GB:-25}
name=${DB:-amble_bench_network}
bounded() { # value lo hi what
  [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= $2 && $1 <= $3 )) || { echo "$4: $2..$3 (got $1)" >&2; exit 2; }
}
bounded "$journals" 1000 1000000 JOURNALS
bounded "$weeks" 1 26 WEEKS
bounded "$distinct" 1 20000 DISTINCT
bounded "$secs" 1 600 DURATION
bounded "$imports" 1 200 IMPORTS
bounded "$port" 1024 65000 PORT
bounded "$min_free" 0 10000 MIN_FREE_GB
[[ $name =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "DB: a lower-case database name" >&2; exit 2; }
case ${PROFILE:-release} in release) dir=release ;; dev) dir=debug ;; *) echo "PROFILE: release or dev" >&2; exit 2 ;; esac
cargo build --profile "${PROFILE:-release}" --quiet -p amble -p amble-sim
bin=target/$dir/amble
sim=target/$dir/amble-sim
today=2026-07-06 # the day after the simulated 26 weeks (from 2026-01-05)
db="${url%/*}/$name"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
  if [ "${KEEP:-0}" != 1 ]; then
    PGOPTIONS="-c client_min_messages=warning" psql "$url" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
export AMBLE_DATABASE_URL=$db AMBLE_TODAY=$today
pw='a long enough secret'
q() { psql "$db" -X -v ON_ERROR_STOP=1 -tAq "$@"; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
size() { q -c "SELECT pg_size_pretty(pg_database_size(current_database())), pg_database_size(current_database())" | tr '|' ' '; }

# --- the journals' sources -----------------------------------------------------------------------
t0=$(now)
mkdir -p "$work/linked" "$work/background" "$work/import"
gen() { # dir seed weeks
  "$sim" --journal-out "$1/$(printf '%06d' "$2").json" --weeks "$3" --seed "$2" >/dev/null
}
export -f gen; export sim work
gen "$work/import" 999999 26
if [ "${REUSE:-0}" != 1 ]; then
  seq 1 200 | xargs -P 2 -I{} bash -c 'gen "$work/linked" {} 26'
  seq 100001 $((100000 + distinct)) | xargs -P 2 -I{} bash -c "gen \"\$work/background\" {} $weeks"
  echo "simulated: 200 journals of 26 weeks, $distinct of $weeks weeks, in $(since "$t0") s"
fi

# add_people SRC_DIR EMAIL_PREFIX FIRST COUNT COACH: people EMAIL_PREFIX{FIRST..FIRST+COUNT-1}
# with journals of SRC_DIR; COACH: an email, or "own" (one coach per 200, made as needed).
add_people() {
  local src=$1 prefix=$2 first=$3 count=$4 coach=$5 j0
  j0=$(q -c "SELECT coalesce(max(id), 0) + 1 FROM journals")
  q >/dev/null -v j0="$j0" -v first="$first" -v count="$count" -v prefix="$prefix" -v hash="$hash" -v coach="$coach" <<'SQL'
BEGIN;
INSERT INTO journals (id, version) SELECT :j0 + g, 1 FROM generate_series(0, :count - 1) g;
SELECT setval('journals_id_seq', (SELECT max(id) FROM journals));
INSERT INTO users (email, role, password_hash, journal_id)
  SELECT :'prefix' || (:first + g) || '@network.example', 'person', :'hash', :j0 + g
  FROM generate_series(0, :count - 1) g;
INSERT INTO users (email, role, password_hash)
  SELECT DISTINCT 'coach-' || ((:first + g) / 200) || '@network.example', 'coach', :'hash'
  FROM generate_series(0, :count - 1) g WHERE :'coach' = 'own'
  ON CONFLICT (email) DO NOTHING;
INSERT INTO coach_links (coach_id, person_id)
  SELECT c.id, u.id FROM generate_series(0, :count - 1) g
  JOIN users u ON u.email = :'prefix' || (:first + g) || '@network.example'
  JOIN users c ON c.email = CASE WHEN :'coach' = 'own'
    THEN 'coach-' || ((:first + g) / 200) || '@network.example' ELSE :'coach' END;
COMMIT;
SQL
  # The journals exist before their entries; the foreign key's per-row trigger is left out of
  # the COPY (session_replication_role) and the key checked once for the rows loaded, below.
  python3 scripts/network-rows.py --dir "$src" --first-journal "$j0" --count "$count" |
    PGOPTIONS="-c session_replication_role=replica" q -c "COPY entries (journal_id, id, kind, date, body) FROM STDIN"
  local orphans
  orphans=$(q -c "SELECT count(*) FROM entries e WHERE e.journal_id >= $j0 AND NOT EXISTS (SELECT 1 FROM journals j WHERE j.id = e.journal_id)")
  [ "$orphans" = 0 ] || { echo "$orphans entries without their journal" >&2; exit 1; }
}

# --- the check: journals read back as Amble wrote them ----------------------------------------
# A loaded journal's export must be the export of the same source imported by `amble journal
# import` (byte for byte), and hold the source's entries (numbers equal to 1e-15: Amble's
# JSON reading may round the last digit of a number as it stores it, the same on both paths).
checks=0
check() { # email source
  checks=$((checks + 1))
  local twin="check$checks@network.example"
  echo "$pw" | "$bin" user add --email "$twin" --role person --password-stdin >/dev/null
  "$bin" --as "$twin" journal import "$2" >/dev/null
  "$bin" --as "$1" export --format json >"$work/export.json"
  "$bin" --as "$twin" export --format json >"$work/twin.json"
  cmp -s "$work/export.json" "$work/twin.json" ||
    { echo "$1: its export differs from that of $2 imported by amble" >&2; exit 1; }
  python3 - "$work/export.json" "$2" "$1" <<'PY'
import json, sys
got, want = (json.load(open(p))["entries"] for p in sys.argv[1:3])
def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-15 * max(1.0, abs(a), abs(b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    return a == b
if not same(got, want):
    raise SystemExit(f"{sys.argv[3]}: the exported journal differs from its source {sys.argv[2]}")
print(f"{sys.argv[3]}: {len(got)} entries, exported as amble exports the same journal imported; equal to the source")
PY
}
measure() { # label
  local label=$1 p=$port cookie_person cookie_coach first took
  echo "== $label: $(q -c "SELECT count(*) FROM journals") journals, $(q -c "SELECT count(*) FROM entries") entries, $(q -c "SELECT count(*) FROM users") accounts, database $(size | cut -d' ' -f1,2)"
  bench_serve "$p" "$work/serve-$p.log"
  server_pids=${pids[-1]}
  cookie_person=$(bench_signin "$p" p1@network.example "$pw")
  cookie_coach=$(bench_signin "$p" coach@clinic.example "$pw")
  for page in today plan; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie_person" "http://127.0.0.1:$p/$page")
    [ "$code" = 200 ] || { echo "/$page answered $code" >&2; exit 1; }
  done
  first=$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: $cookie_coach" "http://127.0.0.1:$p/people")
  rows=$(curl -s -H "Cookie: $cookie_coach" "http://127.0.0.1:$p/api/v1/people" | python3 -c "import json,sys; print(len(json.load(sys.stdin)['people']))")
  echo "the coach's list: $rows people; first /people on a fresh server (every summary computed): ${first}s"
  for page in today plan; do
    echo "the person, /$page: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    bench_load "$cookie_person" "http://127.0.0.1:$p/$page"
  done
  echo "the coach, /people: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  bench_load "$cookie_coach" "http://127.0.0.1:$p/people"
  kill "${pids[-1]}" 2>/dev/null || true
  wait "${pids[-1]}" 2>/dev/null || true
  # Imports into existing people (empty journals), one after another.
  local tag; tag=$(date +%s%N)
  for i in $(seq "$imports"); do
    echo "$pw" | "$bin" user add --email "imp$tag-$i@network.example" --role person --password-stdin >/dev/null
  done
  echo "imports of a 26-week journal ($(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['entries']))" "$work/import/999999.json") entries): load average $(cut -d' ' -f1-3 /proc/loadavg)"
  took=()
  for i in $(seq "$imports"); do
    local s e
    s=$(date +%s%N)
    "$bin" --as "imp$tag-$i@network.example" journal import "$work/import/999999.json" >/dev/null
    e=$(date +%s%N)
    took+=($(( (e - s) / 1000 )))
  done
  python3 - "${took[@]}" <<'PY'
import json, sys
t = sorted(int(x) / 1000 for x in sys.argv[1:])
pct = lambda q: round(t[min(len(t) - 1, int(q * len(t)))], 1)
print(json.dumps({"imports": len(t), "per_s": round(len(t) / (sum(t) / 1000), 2), "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": round(t[-1], 1)}))
PY
}

# --- the run -----------------------------------------------------------------------------------------
if [ "${REUSE:-0}" != 1 ]; then
PGOPTIONS="-c client_min_messages=warning" psql "$url" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null
"$bin" db migrate >/dev/null
echo "$pw" | "$bin" user add --email coach@clinic.example --role coach --password-stdin >/dev/null
hash=$(q -c "SELECT password_hash FROM users WHERE email = 'coach@clinic.example'")

# The linked people are p1..p200@network.example; the coach's email stays coach@clinic.example.
t0=$(now)
add_people "$work/linked" p 1 200 coach@clinic.example
add_people "$work/background" n 1 800 own
load1=$(since "$t0")
t0=$(now)
q -c "VACUUM (ANALYZE)"
vacuum1=$(since "$t0")

check p1@network.example "$work/linked/000001.json"
check n7@network.example "$work/background/$(ls "$work/background" | sed -n "$(( (6 % distinct) + 1 ))p")"

echo "loaded 1,000 journals in $load1 s (COPY; then VACUUM ANALYZE $vacuum1 s)"
measure "1,000 journals"
small_pretty=$(size | cut -d' ' -f1,2)

if (( journals > 1000 )); then
  more=$((journals - 1000))
  # Estimate from the 800 background journals loaded so far (all of the same length): their
  # share of the entries' tables and indexes.
  entries_bytes=$(q -c "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relname LIKE 'entries_p%' AND c.relkind = 'r'")
  share=$(q -c "SELECT count(*) FILTER (WHERE u.email LIKE 'n%') || ' ' || count(*) FROM entries e JOIN users u ON u.journal_id = e.journal_id")
  per=$(python3 -c "import sys; b, n, t = map(int, sys.argv[1:4]); print(int(b * n / t / 800))" "$entries_bytes" $share)
  grow=$((per * more))
  echo "estimate: about $((grow / 1024 / 1024)) MB more for $more journals ($((per / 1024)) kB per background journal at 1,000 journals; database $small_pretty)"
  data=$(q -c "SHOW data_directory" 2>/dev/null || true)
  if [ -n "$data" ] && [ -d "$data" ] && (( min_free > 0 )); then
    free=$(( $(df --output=avail -k "$data" | tail -1) * 1024 ))
    if (( free - grow * 3 / 2 < min_free * 1024 * 1024 * 1024 )); then
      echo "not growing: $((free / 1024 / 1024 / 1024)) GB free, the database would take about $((grow * 3 / 2 / 1024 / 1024 / 1024)) GB with its WAL, and MIN_FREE_GB=$min_free" >&2
      exit 1
    fi
  fi
  t0=$(now)
  add_people "$work/background" n 801 "$more" own
  load2=$(since "$t0")
  t0=$(now)
  q -c "VACUUM (ANALYZE)"
  vacuum2=$(since "$t0")
  check n$((more + 800))@network.example "$work/background/$(ls "$work/background" | sed -n "$(( ((more - 1) % distinct) + 1 ))p")"
  echo "loaded $more more journals in $load2 s (COPY; then VACUUM ANALYZE $vacuum2 s)"
  measure "$journals journals"
fi
else
  measure "the database as loaded before ($journals journals asked)"
fi
echo "database: $(size | cut -d' ' -f1,2); entries' partitions: $(q -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c WHERE c.relname LIKE 'entries_p%' AND c.relkind = 'r'")"
