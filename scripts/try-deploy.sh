#!/usr/bin/env bash
# Follows docs/deploy.md from scratch on this machine, so that the guide cannot drift: a
# throwaway PostgreSQL (Debian's /usr/lib/postgresql/*/bin) with password authentication, an
# owner role and the servers' role, `amble db migrate --app-role`, two `amble serve` processes
# (behind nginx when it is installed), a sign-in over HTTP, a walk logged, a backup with
# `pg_dump -Fc`, a restore into a new database, and the person's export byte-identical after
# the restore. Exits non-zero on the first step that fails. As root, PostgreSQL runs as the
# `postgres` user (initdb refuses root), as .ci/run does.
#
#   scripts/try-deploy.sh            # uses target/debug/amble (built if missing)
#   AMBLE=/usr/local/bin/amble scripts/try-deploy.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '== %s\n' "$*"; }
fail() { printf 'try-deploy: FAILED: %s\n' "$*" >&2; exit 1; }

AMBLE=${AMBLE:-target/debug/amble}
if [ ! -x "$AMBLE" ]; then
  step "building amble (debug)"
  cargo build --locked -q -p amble
fi
AMBLE=$(realpath "$AMBLE")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || fail "no PostgreSQL in /usr/lib/postgresql (apt-get install postgresql)"
command -v curl >/dev/null || fail "curl is needed"

WORK=$(mktemp -d /tmp/amble-deploy.XXXXXX)
chmod 755 "$WORK"
RUNAS=()
if [ "$(id -u)" = 0 ]; then RUNAS=(runuser -u postgres --); fi
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

step "PostgreSQL: initdb with password (scram) authentication, socket in $WORK/pg"
mkdir -p "$WORK/pg"
printf 'super-secret-1\n' > "$WORK/pg/pw"
if [ "$(id -u)" = 0 ]; then chown -R postgres "$WORK/pg"; fi
"${RUNAS[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U pgadmin -A scram-sha-256 --pwfile="$WORK/pg/pw" \
  --no-sync -E UTF8 >/dev/null
PGPORT=$(free_port)
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
SOCK="$WORK/pg"
psql_as() { local user=$1 pw=$2 db=$3; shift 3; PGPASSWORD=$pw "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PGPORT" -U "$user" -d "$db" "$@"; }

step "roles and database (docs/deploy.md, step 3)"
psql_as pgadmin super-secret-1 postgres <<SQL
CREATE ROLE amble_owner LOGIN PASSWORD 'owner-secret-2';
CREATE ROLE amble LOGIN PASSWORD 'app-secret-3';
CREATE DATABASE amble OWNER amble_owner;
SQL

# The socket form of the address (step 4): host= names the socket's folder.
OWNER_URL="postgres://amble_owner@/amble?host=$SOCK&port=$PGPORT"
APP_URL="postgres://amble@/amble?host=$SOCK&port=$PGPORT"

step "a wrong password is named, and never shown"
out=$(PGPASSWORD=not-the-password "$AMBLE" --database "$OWNER_URL" db migrate 2>&1) && fail "a wrong password was accepted"
grep -q "password authentication failed" <<<"$out" || fail "the message does not say why: $out"
grep -q "not-the-password" <<<"$out" && fail "the password was echoed: $out"
out=$("$AMBLE" --database "host=$SOCK port=$PGPORT user=amble_owner password=kv-secret-9 dbname=amble" db migrate 2>&1) && fail "a wrong key-value password was accepted"
grep -q "kv-secret-9" <<<"$out" && fail "a key-value string's password was echoed: $out"

step "a server refuses a database without the schema, naming amble db migrate"
out=$(PGPASSWORD=app-secret-3 "$AMBLE" --database "$APP_URL" serve --bind 127.0.0.1:0 2>&1) && fail "a server started on an empty database"
grep -q "amble db migrate" <<<"$out" || fail "no advice: $out"

step "amble db migrate as the owner, PGPASSWORD (step 5)"
PGPASSWORD=owner-secret-2 "$AMBLE" --database "$OWNER_URL" db migrate --app-role amble

step "the servers' role reads its password from ~/.pgpass (PGPASSFILE here)"
printf 'localhost:%s:amble:amble:app-secret-3\n' "$PGPORT" > "$WORK/pgpass"
chmod 600 "$WORK/pgpass"
export PGPASSFILE="$WORK/pgpass"
export AMBLE_DATABASE_URL="$APP_URL"
for who in "admin@clinic.example admin" "coach@clinic.example coach" "ann@example.org person"; do
  set -- $who
  printf 'a long enough passphrase\n' | "$AMBLE" user add --email "$1" --role "$2" --password-stdin >/dev/null
done
"$AMBLE" user link --coach coach@clinic.example --person ann@example.org >/dev/null

step "the audit log cannot be wiped through the servers' role"
for sql in "TRUNCATE audit_log" "DELETE FROM audit_log" "ALTER TABLE audit_log DISABLE TRIGGER ALL" "DROP TABLE audit_log"; do
  if psql_as amble app-secret-3 amble -c "$sql" >/dev/null 2>&1; then fail "the servers' role could run: $sql"; fi
done

step "two servers (step 7)"
start_server() {
  local log=$1
  "$AMBLE" serve --bind 127.0.0.1:0 --log-format json >"$log.out" 2>"$log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    if [ -s "$log.out" ]; then head -1 "$log.out"; return; fi
    sleep 0.1
  done
  fail "a server did not start: $(cat "$log")"
}
URL1=$(start_server "$WORK/server1.log")
URL2=$(start_server "$WORK/server2.log")
echo "servers at $URL1 and $URL2"

FRONT=$URL1
if command -v nginx >/dev/null 2>&1; then
  step "nginx in front of both (step 8, without TLS here)"
  NPORT=$(free_port)
  mkdir -p "$WORK/nginx/logs"
  U1=${URL1#http://}; U1=${U1%/}; U2=${URL2#http://}; U2=${U2%/}
  cat > "$WORK/nginx/nginx.conf" <<NGINX
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  upstream amble { server $U1; server $U2; }
  server {
    listen 127.0.0.1:$NPORT;
    client_max_body_size 64m;
    location / {
      proxy_pass http://amble;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGINX
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" -g 'daemon off;' &
  PIDS+=($!)
  sleep 0.5
  FRONT="http://127.0.0.1:$NPORT/"
else
  echo "nginx is not installed: the proxy step is skipped (the servers are used directly)"
fi

step "sign in over HTTP, log a walk on the other server"
JAR="$WORK/cookies"
code=$(curl -s -o "$WORK/signin.json" -w '%{http_code}' -c "$JAR" -H 'Content-Type: application/json' \
  -d '{"email":"ann@example.org","password":"a long enough passphrase"}' "${FRONT}api/v1/session")
[ "$code" = 200 ] || fail "sign-in answered $code: $(cat "$WORK/signin.json")"
code=$(curl -s -o "$WORK/walk.json" -w '%{http_code}' -b "$JAR" -H 'Content-Type: application/json' \
  -d '{"date":"2026-03-02","minutes":25,"pain_before":2,"pain_peak":3}' "${URL2}api/v1/walks")
[ "$code" = 201 ] || fail "the walk answered $code: $(cat "$WORK/walk.json")"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" "${URL1}api/v1/journal?person=coach%40clinic.example")
[ "$code" = 403 ] || fail "another account's journal answered $code"
grep -q '"route":"/api/v1/walks"' "$WORK/server2.log" || fail "no request log: $(cat "$WORK/server2.log")"
grep '"route":"/api/v1/walks"' "$WORK/server2.log" | grep -q '"user_id":"[0-9]' \
  || fail "the request log does not name the user: $(cat "$WORK/server2.log")"
if grep -q 'ann@example.org\|clinic.example' "$WORK/server1.log" "$WORK/server2.log"; then fail "an email in the log"; fi
"$AMBLE" --as ann@example.org export -o "$WORK/before.json"

step "backup with pg_dump -Fc, restore into a new database (Backups)"
PGPASSWORD=owner-secret-2 "$PGBIN/pg_dump" -h "$SOCK" -p "$PGPORT" -U amble_owner -Fc -f "$WORK/amble.dump" amble
psql_as pgadmin super-secret-1 postgres -c "CREATE DATABASE amble_restored OWNER amble_owner"
PGPASSWORD=owner-secret-2 "$PGBIN/pg_restore" -h "$SOCK" -p "$PGPORT" -U amble_owner --clean --if-exists \
  --no-owner -d amble_restored "$WORK/amble.dump"
RESTORED_OWNER="postgres://amble_owner@/amble_restored?host=$SOCK&port=$PGPORT"
RESTORED_APP="postgres://amble@/amble_restored?host=$SOCK&port=$PGPORT"
printf 'localhost:%s:amble_restored:amble:app-secret-3\n' "$PGPORT" >> "$WORK/pgpass"
PGPASSWORD=owner-secret-2 "$AMBLE" --database "$RESTORED_OWNER" db migrate --app-role amble
"$AMBLE" --database "$RESTORED_APP" --as ann@example.org export -o "$WORK/after.json"
cmp "$WORK/before.json" "$WORK/after.json" || fail "the export differs after the restore"
[ -s "$WORK/after.json" ] && grep -q '"minutes"' "$WORK/after.json" || fail "the walk is not in the export"

step "retention: amble db purge as the owner"
PGPASSWORD=owner-secret-2 "$AMBLE" --database "$OWNER_URL" db purge --audit-retention-days 365

echo "try-deploy: OK ($(date -u +%F), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'))"
