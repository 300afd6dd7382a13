#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests that need one (ctest fixture "pg"):
#   cluster.sh start DIR   initdb in DIR/data, start it on a free loopback port, write the
#                          connection string to DIR/conninfo
#   cluster.sh stop DIR    stop it and delete DIR
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user that
# Debian's package creates. fsync stays on: the tests that kill processes mean it.
# WERKEX_PG_OPTIONS: more server options ("-c name=value …"), e.g. the bench's statement
# statistics (WERKEX_BENCH_PG_STATEMENTS, tools/bench).
set -euo pipefail
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: cluster.sh start|stop DIR" >&2; exit 2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "cluster.sh: PostgreSQL's server is not installed (tools/install-deps.sh installs it)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"; mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "$bindir/initdb" -D "$dir/data" -A trust -U werkex -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
           -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 ${WERKEX_PG_OPTIONS:-}" \
           start >/dev/null; then
        echo "host=127.0.0.1 port=$port user=werkex dbname=postgres connect_timeout=10" >"$dir/conninfo"
        chmod a+r "$dir/conninfo"
        echo "cluster.sh: PostgreSQL on 127.0.0.1:$port ($dir)"
        exit 0
      fi
      echo "cluster.sh: port $port did not work (attempt $attempt)" >&2
      tail -3 "$dir/server.log" >&2 || true
    done
    exit 1 ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    rm -rf "$dir"
    echo "cluster.sh: stopped and removed $dir" ;;
  *) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
