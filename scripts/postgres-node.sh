#!/usr/bin/env bash
# Starts or stops a PostgreSQL server of its own (initdb + pg_ctl in <dir>, on 127.0.0.1:<port>), beside the
# machine's main one, for tests that stop the database under load. Never touches the main server.
#
#   postgres-node.sh start <dir> <port>    # makes the cluster on first start; user fleetmonitor/fleetmonitor
#   postgres-node.sh stop  <dir>           # fast shutdown (clients see the connection drop)
#   postgres-node.sh kill  <dir>           # immediate shutdown, as a crash would
set -euo pipefail

cmd=$1 dir=$2
bin=${POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=$3
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      echo fleetmonitor > "$dir/pwfile"
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pwfile"
      as_owner "$bin/initdb" -D "$dir/data" -U fleetmonitor --pwfile="$dir/pwfile" -A scram-sha-256 >/dev/null
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgres on 127.0.0.1:$port"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    ;;
  kill)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start <dir> <port> | stop <dir> | kill <dir>" >&2
    exit 2
    ;;
esac
