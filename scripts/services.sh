#!/usr/bin/env bash
# Installs (from Debian packages) and starts what the tests and the benchmarks talk to:
# RabbitMQ and PostgreSQL. Idempotent: safe to run when they are already up.
set -euo pipefail

PG_USER=${FLEETMONITOR_PG_USER:-fleetmonitor}
PG_PASSWORD=${FLEETMONITOR_PG_PASSWORD:-fleetmonitor}
RABBIT_USER=${FLEETMONITOR_RABBIT_USER:-fleetmonitor}
RABBIT_PASSWORD=${FLEETMONITOR_RABBIT_PASSWORD:-fleetmonitor}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

need=()
command -v rabbitmqctl >/dev/null 2>&1 || need+=(rabbitmq-server)
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "services: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL: the Debian cluster, started without systemd when there is none.
if ! pg_lsclusters -h 2>/dev/null | grep -q online; then
  cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    $SUDO pg_createcluster "$version" main >/dev/null
    cluster="$version main"
  fi
  echo "services: starting PostgreSQL $cluster"
  $SUDO pg_ctlcluster $cluster start
fi
for _ in $(seq 1 30); do
  as_postgres psql -qtAc "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
# The test projects run side by side, each with its own service hosts and connection pools: Debian's 100 connections
# can run out. Raised once (a restart), so on a later run this is a no-op.
if [ "$(as_postgres psql -qtAc 'SHOW max_connections')" -lt 300 ]; then
  echo "services: raising PostgreSQL's max_connections to 300 (restart)"
  as_postgres psql -qc "ALTER SYSTEM SET max_connections = 300" >/dev/null
  running=$(pg_lsclusters -h | awk '$4 == "online" {print $1" "$2; exit}')
  $SUDO pg_ctlcluster $running restart
  for _ in $(seq 1 30); do
    as_postgres psql -qtAc "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
  done
fi
if ! as_postgres psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'" | grep -q 1; then
  as_postgres psql -qc "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
fi
# The tests drop their databases WITH (FORCE); an autovacuum worker busy in one runs as no role, and terminating it
# needs pg_signal_backend (without it the drop fails with 42501 now and then).
as_postgres psql -qc "GRANT pg_signal_backend TO $PG_USER" >/dev/null

# RabbitMQ: started as a daemon, with the management plugin (the Api makes enrolled agents' broker users through it).
if ! $SUDO rabbitmqctl -q status >/dev/null 2>&1; then
  echo "services: starting RabbitMQ"
  $SUDO service rabbitmq-server start >/dev/null 2>&1 || $SUDO rabbitmq-server -detached
  for _ in $(seq 1 60); do
    $SUDO rabbitmqctl -q await_startup >/dev/null 2>&1 && break
    sleep 1
  done
fi
$SUDO rabbitmqctl -q await_startup
$SUDO rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null
if ! $SUDO rabbitmqctl -q list_users | grep -q "^$RABBIT_USER\b"; then
  $SUDO rabbitmqctl -q add_user "$RABBIT_USER" "$RABBIT_PASSWORD"
  $SUDO rabbitmqctl -q set_permissions -p / "$RABBIT_USER" ".*" ".*" ".*"
fi
# impersonator: Ingestion moves a faulted agent message to its error queue with the agent's user_id kept.
$SUDO rabbitmqctl -q set_user_tags "$RABBIT_USER" administrator impersonator
echo "services: PostgreSQL and RabbitMQ are up"
