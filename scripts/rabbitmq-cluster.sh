#!/usr/bin/env bash
# A 3-node RabbitMQ cluster on this machine, beside the main broker: nodes <prefix>1, <prefix>2, <prefix>3 (own node
# names, data folders and cookie under <dir>), AMQP on 127.0.0.1:<base>, <base>+2, <base>+4 (distribution ports 10000
# above). User fleetmonitor/fleetmonitor. Quorum queues declared on it are replicated on all three.
#
#   rabbitmq-cluster.sh start <dir> [base-port=26000] [prefix=fmc]
#   rabbitmq-cluster.sh status <dir>
#   rabbitmq-cluster.sh stop-node <dir> <1|2|3>     # lose one node (the others keep a quorum)
#   rabbitmq-cluster.sh kill-node <dir> <1|2|3>     # the same with SIGKILL
#   rabbitmq-cluster.sh start-node <dir> <1|2|3>
#   rabbitmq-cluster.sh stop <dir>                  # stop all nodes (the data stays in <dir>; rm -rf it after)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
node=$here/rabbitmq-node.sh
cmd=$1 dir=$2
mkdir -p "$dir"

case "$cmd" in
  start)
    base=${3:-26000} prefix=${4:-fmc}
    echo "$prefix $base" > "$dir/cluster"
    bash "$node" start "$dir/${prefix}1" "${prefix}1" "$base"
    bash "$node" start "$dir/${prefix}2" "${prefix}2" $((base + 2)) --join "${prefix}1"
    bash "$node" start "$dir/${prefix}3" "${prefix}3" $((base + 4)) --join "${prefix}1"
    bash "$node" ctl "$dir/${prefix}1" "${prefix}1" -q cluster_status | grep -A4 -i "running nodes" || true
    exit 0
    ;;
esac

read -r prefix base < "$dir/cluster"
case "$cmd" in
  status)
    bash "$node" ctl "$dir/${prefix}1" "${prefix}1" cluster_status
    ;;
  stop-node)
    bash "$node" stop "$dir/$prefix$3" "$prefix$3"
    ;;
  kill-node)
    bash "$node" kill "$dir/$prefix$3" "$prefix$3"
    ;;
  start-node)
    bash "$node" start "$dir/$prefix$3" "$prefix$3" $((base + ($3 - 1) * 2))
    ;;
  stop)
    for n in 3 2 1; do bash "$node" stop "$dir/$prefix$n" "$prefix$n"; done
    ;;
  *)
    echo "usage: $0 start|status|stop-node|kill-node|start-node|stop <dir> ..." >&2
    exit 2
    ;;
esac
