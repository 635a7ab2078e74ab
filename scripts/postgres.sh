#!/usr/bin/env bash
# A throwaway PostgreSQL for tests (Debezium's change data capture): a fresh cluster with logical
# replication (wal_level=logical, pgoutput) on 127.0.0.1, from Debian's packages.
#
#   scripts/postgres.sh start    install the package if missing (apt-get, as root), initdb a new cluster,
#                                start it, wait until it answers; prints `export POSTGRES_…` lines on
#                                stdout: eval "$(scripts/postgres.sh start)"
#   scripts/postgres.sh stop     fast shutdown, then remove the cluster's files
#   scripts/postgres.sh status   exit 0 running, 3 stopped
#   scripts/postgres.sh env      the export lines of the running instance
#   scripts/postgres.sh psql …   psql against it as the superuser (e.g. psql -c 'select 1')
#
# Environment (defaults): POSTGRES_PORT (55432), POSTGRES_STATE_DIR (<repo>/target/postgres),
# POSTGRES_PASSWORD (connect-gateway), POSTGRES_START_TIMEOUT (60 s).
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user the Debian
# package creates, and the cluster directory belongs to it (under the state dir when that user can
# reach it, else in a temp dir). The superuser is `postgres`, with a password over TCP
# (scram-sha-256, replication included); no Unix socket.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${POSTGRES_PORT:-55432}"
STATE_DIR="${POSTGRES_STATE_DIR:-$ROOT/target/postgres}"
[[ "$STATE_DIR" == /* ]] || STATE_DIR="$PWD/$STATE_DIR"
PASSWORD="${POSTGRES_PASSWORD:-connect-gateway}"
START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
STATE_FILE="$STATE_DIR/state"
ENV_FILE="$STATE_DIR/env"
SUPERUSER=postgres
RUN_AS=postgres # when root

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin).
server_bin() {
  local d
  d="$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" ]] && dirname "$d"
}

install_server() {
  ((EUID == 0)) || die "PostgreSQL is not installed: install Debian's package (sudo apt-get install postgresql)"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get"
  log "installing PostgreSQL (apt-get install postgresql)"
  local out
  out="$(mktemp "${TMPDIR:-/tmp}/postgres-apt.XXXXXX")"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      postgresql postgresql-client; } >"$out" 2>&1; then
    tail -n 30 "$out" >&2
    rm -f "$out"
    die "apt-get install postgresql failed"
  fi
  rm -f "$out"
}

# Runs a server binary as the cluster's owner.
as_owner() {
  if ((EUID == 0)); then
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

load_state() {
  [[ -f "$STATE_FILE" ]] || return 1
  # shellcheck disable=SC1090
  source "$STATE_FILE"
}

running() {
  load_state || return 1
  [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

psql_super() {
  PGPASSWORD="$PASSWORD" PGCONNECT_TIMEOUT=5 "$BIN/psql" -X -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres "$@"
}

write_env() {
  {
    echo "export POSTGRES_HOST=127.0.0.1"
    echo "export POSTGRES_PORT=$PORT"
    echo "export POSTGRES_USER=$SUPERUSER"
    echo "export POSTGRES_PASSWORD=$PASSWORD"
    echo "export POSTGRES_DB=postgres"
    echo "export POSTGRES_BIN=$BIN"
  } >"$ENV_FILE"
}

# A directory the server's user can reach: under the state dir when it can, else a temp dir.
make_data_dir() {
  local dir="$STATE_DIR/data"
  if ((EUID == 0)) && ! runuser -u "$RUN_AS" -- test -x "$STATE_DIR"; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/connect-gateway-postgres.XXXXXX")"
    chmod 755 "$dir"
    dir="$dir/data"
    log "$RUN_AS cannot reach $STATE_DIR; the cluster goes to $dir"
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if ((EUID == 0)); then chown "$RUN_AS": "$dir"; fi
  chmod 700 "$dir"
  DATA="$dir"
  LOG_FILE="$(dirname "$dir")/postgres.log"
}

# A failed start leaves nothing running and no cluster behind (the log stays for a look).
fail_start() {
  log "$*"
  if [[ -f "$DATA/postmaster.pid" ]]; then as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$DATA"
  rm -f "$STATE_FILE" "$ENV_FILE"
  exit 1
}

cmd_start() {
  mkdir -p "$STATE_DIR"
  if running; then
    log "already running on 127.0.0.1:$PORT (data $DATA)"
    cat "$ENV_FILE"
    return 0
  fi
  rm -f "$STATE_FILE" "$ENV_FILE"
  BIN="$(server_bin || true)"
  if [[ -z "$BIN" ]]; then
    install_server
    BIN="$(server_bin || true)"
    [[ -n "$BIN" ]] || die "no initdb under /usr/lib/postgresql after the install"
  fi
  if ((EUID == 0)) && ! id -u "$RUN_AS" >/dev/null 2>&1; then
    die "no '$RUN_AS' user to run the server as (the Debian package creates it)"
  fi
  port_busy "$PORT" && die "port $PORT is taken (set POSTGRES_PORT)"
  local started=$SECONDS
  make_data_dir
  echo "BIN='$BIN' DATA='$DATA' PORT='$PORT' LOG_FILE='$LOG_FILE'" >"$STATE_FILE"

  local pwfile="$DATA.pw"
  (umask 077 && echo "$PASSWORD" >"$pwfile")
  if ((EUID == 0)); then chown "$RUN_AS": "$pwfile"; fi
  local out rc=0
  out="$(as_owner "$BIN/initdb" -D "$DATA" -U "$SUPERUSER" --pwfile="$pwfile" --auth-local=peer \
    --auth-host=scram-sha-256 -E UTF8 --no-locale --no-sync 2>&1)" || rc=$?
  rm -f "$pwfile"
  if ((rc != 0)); then
    echo "$out" | tail -n 20 >&2
    fail_start "initdb failed"
  fi
  # A test server: logical decoding, no durability (the cluster is thrown away), small memory.
  cat >>"$DATA/postgresql.conf" <<CONF

# scripts/postgres.sh
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
wal_level = logical
max_wal_senders = 10
max_replication_slots = 10
fsync = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 50
CONF
  : >"$LOG_FILE"
  if ((EUID == 0)); then chown "$RUN_AS": "$LOG_FILE"; fi
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t "$START_TIMEOUT" start >/dev/null 2>&1; then
    tail -n 30 "$LOG_FILE" >&2
    fail_start "the server did not start (log: $LOG_FILE)"
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until psql_super -qAt -c 'select 1' >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      tail -n 30 "$LOG_FILE" >&2
      fail_start "the server does not answer on 127.0.0.1:$PORT"
    fi
    sleep 0.3
  done
  [[ "$(psql_super -qAt -c 'show wal_level')" == logical ]] || fail_start "wal_level is not logical"
  write_env
  log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') up on 127.0.0.1:$PORT in $((SECONDS - started))s (data $DATA, log $LOG_FILE)"
  cat "$ENV_FILE"
}

cmd_stop() {
  if ! load_state; then
    log "not running (no state in $STATE_DIR)"
    return 0
  fi
  if [[ -f "$DATA/postmaster.pid" ]]; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      as_owner "$BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DATA"
  # A temp dir made for the cluster goes too.
  if [[ "$DATA" != "$STATE_DIR/data" ]]; then rm -f "$LOG_FILE" && rmdir "$(dirname "$DATA")" 2>/dev/null || true; fi
  rm -f "$STATE_FILE" "$ENV_FILE"
  log "stopped; removed $DATA"
}

cmd_status() {
  if running; then
    log "running on 127.0.0.1:$PORT (data $DATA, log $LOG_FILE)"
    return 0
  fi
  log "stopped"
  return 3
}

cmd_env() {
  running && [[ -f "$ENV_FILE" ]] || die "not running (start it with: $0 start)"
  cat "$ENV_FILE"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  psql)
    shift
    running || die "not running (start it with: $0 start)"
    psql_super "$@"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
