#!/usr/bin/env bash
# Throwaway PostgreSQL + Redis for the test suite (CI and local use). No systemd needed.
#   scripts/test-services.sh start   # (re)create and start both, then print the env lines
#   scripts/test-services.sh env     # print the `export QAMQOR_TEST_...` lines
#   scripts/test-services.sh stop    # stop both
set -euo pipefail

BASE="${TMPDIR:-/tmp}/qamqor-pg"  # wiped on every start
PG_PORT=55432
REDIS_PORT=56379
DATABASE_URL="postgresql+asyncpg://qamqor:qamqor@127.0.0.1:${PG_PORT}/qamqor_test"
REDIS_URL="redis://127.0.0.1:${REDIS_PORT}/0"

if [[ $EUID -eq 0 ]]; then
  SUDO=()
  AS_PG=(runuser -u postgres --)  # initdb and pg_ctl refuse to run as root
else
  SUDO=(sudo)
  AS_PG=()
fi

pg_bin() { { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for LOGFILE CMD...: retry CMD for up to 30 s; on timeout show the server log and fail.
wait_for() {
  local log=$1 i
  shift
  for i in $(seq 60); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "timed out waiting for: $*" >&2
  tail -n 30 "$log" >&2 || true
  return 1
}

install_missing() {
  local pkgs=()
  [[ -n "$(pg_bin)" && -x "$(pg_bin)/initdb" ]] || pkgs+=(postgresql)
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || pkgs+=(redis-server)
  ((${#pkgs[@]})) || return 0
  echo "installing ${pkgs[*]} ..." >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

stop() {
  local bin
  bin=$(pg_bin)
  if [[ -f "$BASE/data/postmaster.pid" && -n "$bin" ]]; then
    "${AS_PG[@]}" "$bin/pg_ctl" -D "$BASE/data" -m immediate -w stop >/dev/null || true
  fi
  if [[ -f "$BASE/redis.pid" ]]; then
    kill "$(cat "$BASE/redis.pid")" 2>/dev/null || true
  fi
  # Fallback for a Redis whose pidfile is gone (e.g. the tmp dir was cleaned); the port is ours.
  if listening "$REDIS_PORT" && command -v redis-cli >/dev/null; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  fi
  local i
  for i in $(seq 20); do
    listening "$PG_PORT" || listening "$REDIS_PORT" || return 0
    sleep 0.5
  done
  echo "port $PG_PORT or $REDIS_PORT is still in use by something this script did not start" >&2
  return 1
}

print_env() {
  echo "export QAMQOR_TEST_DATABASE_URL=$DATABASE_URL"
  echo "export QAMQOR_TEST_REDIS_URL=$REDIS_URL"
}

start() {
  install_missing
  stop
  rm -rf "$BASE"
  mkdir -p "$BASE"
  [[ $EUID -ne 0 ]] || chown postgres: "$BASE"  # data dir and unix socket live here
  cd "$BASE"  # the postgres user may not be able to read the caller's cwd

  local bin
  bin=$(pg_bin)
  "${AS_PG[@]}" "$bin/initdb" -D "$BASE/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >/dev/null
  # Durability is pointless for a throwaway server: fsync=off etc. make the tests faster.
  "${AS_PG[@]}" "$bin/pg_ctl" -D "$BASE/data" -l "$BASE/pg.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $BASE -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
    >/dev/null
  wait_for "$BASE/pg.log" "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
  "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE qamqor LOGIN CREATEDB PASSWORD 'qamqor'" \
    -c "CREATE DATABASE qamqor_test OWNER qamqor"

  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save '' --appendonly no \
    --dir "$BASE" --pidfile "$BASE/redis.pid" --logfile "$BASE/redis.log"
  wait_for "$BASE/redis.log" redis-cli -p "$REDIS_PORT" ping

  echo "PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT are up (files in $BASE)." >&2
  print_env
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
