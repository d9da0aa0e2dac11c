#!/usr/bin/env bash
# Entrypoint wrapper of the rabbitmq container in docker-compose.yml: starts the broker through the
# image's own entrypoint and, once the broker has booted, sets the users' passwords from the
# environment.
#
# Why: definitions.json (imported at boot, see rabbitmq.conf) declares the users and their permissions
# without any password, so the repository holds neither a secret nor a hash of one. Such a user cannot
# log in (blank passwords are refused) until this script has run `rabbitmqctl change_password`.
# Generating the definitions with password hashes at start would need a hashing tool in the image
# (`rabbitmqctl hash_password` asks a running node anyway); rabbitmqctl against the booted node needs
# nothing but the broker itself.
#
# It runs on every container start: when definitions.json has changed the boot import resets the
# passwords, and this sets them again. It writes a marker once the passwords are set; the compose
# healthcheck requires it, so nothing that depends on a healthy broker starts before its users can log
# in. Passwords go to rabbitmqctl on standard input, so they never appear in a process list.
set -euo pipefail

# user name in definitions.json -> environment variable holding its password
users=(admin ingestion api agent-sample)
password_vars=(FLEETMONITOR_ADMIN_PASSWORD FLEETMONITOR_INGESTION_PASSWORD FLEETMONITOR_API_PASSWORD FLEETMONITOR_AGENT_SAMPLE_PASSWORD)

ready_marker=/tmp/fleetmonitor-users-ready
startup_timeout_seconds=300

# Fail before the broker starts, with the variable's name, rather than later with "access refused".
for var in "${password_vars[@]}"; do
  if [ -z "${!var:-}" ]; then
    echo "init-users: $var is not set (see .env.example)" >&2
    exit 1
  fi
done

# The container's file system survives a restart: a marker left by the previous run must not make the
# new broker look ready.
rm -f "$ready_marker"

# rabbitmqctl runs as the broker's own user: run as root before the broker has written its Erlang cookie,
# it would create a root-owned cookie that the broker cannot read.
ctl() {
  if [ "$(id -u)" = 0 ]; then
    gosu rabbitmq rabbitmqctl "$@"
  else
    rabbitmqctl "$@"
  fi
}

set_passwords() {
  local deadline=$((SECONDS + startup_timeout_seconds))
  # Let the broker create the cookie before any CLI call can.
  until [ -s "${HOME:-/var/lib/rabbitmq}/.erlang.cookie" ] && ctl -q await_startup --timeout 10 >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "init-users: the broker did not start within ${startup_timeout_seconds}s; passwords not set, the container stays unhealthy" >&2
      return 1
    fi
    sleep 2
  done

  local i
  for i in "${!users[@]}"; do
    local var=${password_vars[$i]}
    if ! printf '%s\n' "${!var}" | ctl -q change_password "${users[$i]}" >/dev/null; then
      echo "init-users: could not set the password of ${users[$i]} (is it in definitions.json?)" >&2
      return 1
    fi
  done
  touch "$ready_marker"
  echo "init-users: passwords set for ${users[*]}"
}

set_passwords &

# The broker itself does not need the passwords in its environment; the background job above keeps its copy.
unset "${password_vars[@]}"
exec docker-entrypoint.sh "$@"
