#!/usr/bin/env bash
# A 3-node RabbitMQ cluster on this machine, beside the main broker: nodes fmc1, fmc2, fmc3 (own node names, data
# folders and cookie under <dir>), AMQP on 127.0.0.1:<base>, <base>+2, <base>+4 (distribution ports 10000 above).
# User fleetmonitor/fleetmonitor. Quorum queues declared on it are replicated on all three.
#
#   rabbitmq-cluster.sh start <dir> [base-port=26000]
#   rabbitmq-cluster.sh status <dir>
#   rabbitmq-cluster.sh stop-node <dir> <1|2|3>     # lose one node (the others keep a quorum)
#   rabbitmq-cluster.sh start-node <dir> <1|2|3> [base-port=26000]
#   rabbitmq-cluster.sh stop <dir>                  # stop all nodes (the data stays in <dir>; rm -rf it after)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
node=$here/rabbitmq-node.sh
cmd=$1 dir=$2
mkdir -p "$dir"

case "$cmd" in
  start)
    base=${3:-26000}
    bash "$node" start "$dir/fmc1" fmc1 "$base"
    bash "$node" start "$dir/fmc2" fmc2 $((base + 2)) --join fmc1
    bash "$node" start "$dir/fmc3" fmc3 $((base + 4)) --join fmc1
    bash "$node" ctl "$dir/fmc1" fmc1 -q cluster_status | grep -A4 -i "running nodes" || true
    ;;
  status)
    bash "$node" ctl "$dir/fmc1" fmc1 cluster_status
    ;;
  stop-node)
    bash "$node" stop "$dir/fmc$3" "fmc$3"
    ;;
  start-node)
    base=${4:-26000}
    bash "$node" start "$dir/fmc$3" "fmc$3" $((base + ($3 - 1) * 2))
    ;;
  stop)
    for n in 3 2 1; do bash "$node" stop "$dir/fmc$n" "fmc$n"; done
    ;;
  *)
    echo "usage: $0 start|status|stop-node|start-node|stop <dir> ..." >&2
    exit 2
    ;;
esac
