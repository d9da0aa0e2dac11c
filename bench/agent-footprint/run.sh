#!/usr/bin/env bash
# Footprint of the Native AOT agent beside Debian's zabbix-agent2 and prometheus-node-exporter, in one run:
#   bash bench/agent-footprint/run.sh [MINUTES]        (default 10)
#   AGENT_VARIANTS='name:VAR=VALUE,VAR=VALUE name2:...' runs one agent per variant side by side (each with its own
#   outbox and agent id, the same schedule), e.g. to compare GC settings given as DOTNET_ environment variables;
#   default: one agent, "as-shipped", with no extra variables.
# The agent runs the "remote VoIP phone" schedule every 60 s against peers on loopback (a TLS/HTTPS server, dnsmasq,
# the Reflector's echo, STUN and SIP mirror; UPnP discovery that nobody answers) and publishes to its own RabbitMQ
# vhost. node-exporter is scraped every 60 s as Prometheus would; zabbix-agent2 runs with Debian's configuration
# (passive checks, nobody polls it). Prints RSS at the end, the highest RSS seen, CPU seconds per hour and size on disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${1:-10}
work=$(mktemp -d /tmp/fleetmonitor-footprint-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash bench/agent-footprint/install.sh
published=artifacts/agent/linux-x64
[ -x "$published/fleetmonitor-agent" ] || bash scripts/publish-agent.sh linux-x64
# A copy, so that a publish during the run does not pull the binary from under it.
cp "$published/fleetmonitor-agent" "$published"/libe_sqlite3.so "$work/"
binary=$work/fleetmonitor-agent

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Peers.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=pbx.test -addext subjectAltName=DNS:pbx.test,IP:127.0.0.1 \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
tls_port=$(free_port)
openssl s_server -quiet -www -accept "127.0.0.1:$tls_port" -cert "$work/cert.pem" -key "$work/key.pem" >/dev/null 2>&1 &
pids+=($!)
dns_port=$(free_port)
dnsmasq --no-daemon --no-resolv --no-hosts --port "$dns_port" --listen-address 127.0.0.1 --bind-interfaces \
  --address /pbx.test/127.0.0.1 --srv-host=_sip._udp.pbx.test,pbx.test,5060 --srv-host=_sip._tcp.pbx.test,pbx.test,5060 \
  --srv-host=_sips._tcp.pbx.test,pbx.test,5061 >/dev/null 2>&1 &
pids+=($!)
echo_port=$(free_port); sip_port=$(free_port); web_port=$(free_port); stun_port=$(free_port); stun_alt_port=$(free_port)
if [ -z "${NO_REFLECTOR:-}" ]; then
dotnet build services/FleetMonitor.Reflector -c Release -v q >/dev/null
ASPNETCORE_URLS="http://127.0.0.1:$web_port" dotnet services/FleetMonitor.Reflector/bin/Release/net10.0/FleetMonitor.Reflector.dll \
  --Reflector:Echo:Endpoints:0="127.0.0.1:$echo_port" --Reflector:SipMirror:Endpoints:0="127.0.0.1:$sip_port" \
  --Reflector:Stun:PrimaryAddress=127.0.0.1 --Reflector:Stun:AlternateAddress=127.0.0.2 \
  --Reflector:Stun:PrimaryPort="$stun_port" --Reflector:Stun:AlternatePort="$stun_alt_port" >"$work/reflector.log" 2>&1 &
pids+=($!)
fi  # NO_REFLECTOR=1: media, nat, sip and sip-alg probe closed loopback ports and fail

vhost="fm-footprint-$$"
rabbitmqctl -q add_vhost "$vhost"
rabbitmqctl -q set_permissions -p "$vhost" fleetmonitor '.*' '.*' '.*'
# A queue for the results, as Ingestion's would be: without one every message is returned and dead-lettered.
admin=(rabbitmqadmin -u fleetmonitor -p fleetmonitor -V "$vhost")
"${admin[@]}" declare exchange name=fleetmonitor.agent type=topic durable=true >/dev/null
"${admin[@]}" declare queue name=footprint-results durable=true arguments='{"x-max-length":100000}' >/dev/null
for key in 'result.#' 'results.#' 'heartbeat.#'; do
  "${admin[@]}" declare binding source=fleetmonitor.agent destination=footprint-results routing_key="$key" >/dev/null
done

write_config() {  # agent id -> $work/<id>.json
cat >"$work/$1.json" <<JSON
{
  "Agent": {
    "AgentId": "$1", "SiteId": "bench", "OutboxPath": "$work/$1.db",
    "Broker": { "Uri": "amqp://fleetmonitor:fleetmonitor@127.0.0.1:5672/$vhost", "DeclareExchange": true },
    "Probes": [
      { "Id": "pbx-sips", "Kind": "tcp", "Target": "127.0.0.1:$tls_port", "IntervalSeconds": 60, "Parameters": { "tls": "true", "sni": "pbx.test", "ca_file": "$work/cert.pem" } },
      { "Id": "provisioning", "Kind": "http", "Target": "https://127.0.0.1:$tls_port/", "IntervalSeconds": 60, "Parameters": { "ca_file": "$work/cert.pem" } },
      { "Id": "pbx-srv", "Kind": "dns", "Target": "pbx.test", "IntervalSeconds": 60, "Parameters": { "resolver": "127.0.0.1:$dns_port" } },
      { "Id": "sip-udp", "Kind": "sip", "Target": "127.0.0.1:$sip_port", "IntervalSeconds": 60, "Parameters": { "transport": "udp" } },
      { "Id": "sip-tcp", "Kind": "sip", "Target": "127.0.0.1:$sip_port", "IntervalSeconds": 60, "Parameters": { "transport": "tcp" } },
      { "Id": "media", "Kind": "media", "Target": "127.0.0.1:$echo_port", "IntervalSeconds": 60, "TimeoutSeconds": 20 },
      { "Id": "nat", "Kind": "nat", "Target": "127.0.0.1:$stun_port", "IntervalSeconds": 60, "TimeoutSeconds": 20, "Parameters": { "max_lifetime_s": "0" } },
      { "Id": "alg", "Kind": "sip-alg", "Target": "127.0.0.1:$sip_port", "IntervalSeconds": 60 },
      { "Id": "upnp", "Kind": "upnp", "Target": "ssdp", "IntervalSeconds": 60 }
    ]
  }
}
JSON
}

node_port=$(free_port)
specs=()
for variant in ${AGENT_VARIANTS:-as-shipped:}; do
  name=${variant%%:*}; vars=${variant#*:}
  write_config "pc-$name"
  env ${vars//,/ } "$binary" run --config "$work/pc-$name.json" >"$work/pc-$name.log" 2>&1 &
  pids+=($!)
  specs+=("agent $name:$!:$(( $(stat -c %s "$binary") + $(stat -c %s "$(dirname "$binary")/libe_sqlite3.so" 2>/dev/null || echo 0) ))")
done
zabbix_agent2 -c /etc/zabbix/zabbix_agent2.conf -f >"$work/zabbix.log" 2>&1 &
zabbix=$!; pids+=($zabbix)
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" >"$work/node.log" 2>&1 &
node=$!; pids+=($node)

python3 bench/agent-footprint/measure.py "$minutes" "$node_port" "${specs[@]}" \
  "zabbix_agent2:$zabbix:$(( $(dpkg-query -W -f='${Installed-Size}' zabbix-agent2) * 1024 ))" \
  "prometheus-node-exporter:$node:$(( $(dpkg-query -W -f='${Installed-Size}' prometheus-node-exporter) * 1024 ))"
for variant in ${AGENT_VARIANTS:-as-shipped:}; do
  name=${variant%%:*}
  echo "== agent $name: log (last lines), status"; tail -3 "$work/pc-$name.log"
  "$binary" status --config "$work/pc-$name.json" || true
done
