#!/usr/bin/env bash
# Starts or stops a RabbitMQ node of its own, beside the machine's main broker: its own node name, AMQP port,
# distribution port, data folder and Erlang cookie, listening on 127.0.0.1 only. Used by the fault tests
# (broker restart, connection cuts) and by scripts/rabbitmq-cluster.sh; it never touches the main broker.
#
#   rabbitmq-node.sh start <dir> <name> <amqp-port> [--tls <certdir>] [--join <name>]
#   rabbitmq-node.sh stop  <dir> <name>
#   rabbitmq-node.sh kill  <dir> <name>             # SIGKILL
#   rabbitmq-node.sh ctl   <dir> <name> <rabbitmqctl arguments...>
#
# <dir> holds the node's data, logs, config and cookie (made on first start; nodes of one cluster share the
# cookie when they share <dir>'s parent: the cookie is <dir>/../.erlang.cookie). The distribution port is
# <amqp-port> + 10000. With --tls, <certdir> holds ca.pem, server.pem and server.key and the node also accepts
# AMQP over TLS on <amqp-port> + 1.
set -euo pipefail

RABBIT_BIN=${RABBITMQ_BIN:-/usr/lib/rabbitmq/bin}
cmd=$1 dir=$2 name=$3
shift 3
node="$name@$(hostname -s)"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
home=$(dirname "$dir")
if [ ! -f "$home/.erlang.cookie" ]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$home/.erlang.cookie"
  chmod 400 "$home/.erlang.cookie"
fi
export HOME=$home

ctl() { "$RABBIT_BIN/rabbitmqctl" -n "$node" "$@"; }

case "$cmd" in
  start)
    port=$1
    shift
    tls="" join=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --tls) tls=$2; shift 2 ;;
        --join) join=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
      esac
    done
    {
      echo "listeners.tcp.1 = 127.0.0.1:$port"
      echo "loopback_users = none"
      echo "max_message_size = 1048576"
      if [ -n "$tls" ]; then
        echo "listeners.ssl.1 = 127.0.0.1:$((port + 1))"
        echo "ssl_options.cacertfile = $tls/ca.pem"
        echo "ssl_options.certfile = $tls/server.pem"
        echo "ssl_options.keyfile = $tls/server.key"
        echo "ssl_options.verify = verify_none"
        echo "ssl_options.fail_if_no_peer_cert = false"
      fi
    } > "$dir/rabbitmq.conf"
    echo '[].' > "$dir/enabled_plugins"
    export RABBITMQ_NODENAME=$node RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port \
      RABBITMQ_DIST_PORT=$((port + 10000)) RABBITMQ_MNESIA_BASE=$dir/mnesia RABBITMQ_LOG_BASE=$dir/log \
      RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins \
      RABBITMQ_PID_FILE=$dir/pid RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    nohup "$RABBIT_BIN/rabbitmq-server" > "$dir/server.out" 2>&1 &
    echo $! > "$dir/launcher.pid"
    if ! ctl -q wait --timeout 90 "$dir/pid" >/dev/null 2>&1 || ! ctl -q await_startup --timeout 90 >/dev/null 2>&1; then
      echo "node $node did not start; last lines of $dir/server.out:" >&2
      tail -20 "$dir/server.out" >&2 || true
      exit 1
    fi
    if [ -z "$join" ] && ! ctl -q list_users 2>/dev/null | grep -q '^fleetmonitor\b'; then
      ctl -q delete_user guest >/dev/null 2>&1 || true
      ctl -q add_user fleetmonitor fleetmonitor >/dev/null
      ctl -q set_user_tags fleetmonitor administrator >/dev/null
      ctl -q set_permissions -p / fleetmonitor '.*' '.*' '.*' >/dev/null
    fi
    if [ -n "$join" ]; then
      ctl -q stop_app >/dev/null
      ctl -q reset >/dev/null
      ctl -q join_cluster "$join@$(hostname -s)" >/dev/null
      ctl -q start_app >/dev/null
      ctl -q await_startup --timeout 90 >/dev/null
    fi
    echo "$node amqp://127.0.0.1:$port pid $(cat "$dir/pid")"
    ;;
  stop)
    if [ -f "$dir/pid" ]; then
      pid=$(cat "$dir/pid")
      ctl -q stop "$dir/pid" >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      rm -f "$dir/pid"
    fi
    ;;
  kill)
    # SIGKILL, as a crashed machine: no goodbye to the cluster or the clients.
    if [ -f "$dir/pid" ]; then
      pid=$(cat "$dir/pid")
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      rm -f "$dir/pid"
    fi
    ;;
  ctl)
    ctl "$@"
    ;;
  *)
    echo "usage: $0 start|stop|kill|ctl <dir> <name> ..." >&2
    exit 2
    ;;
esac
