#!/usr/bin/env bash
# Builds the agent's Debian package from the Native AOT binary:
#   bash scripts/package-agent-deb.sh  ->  artifacts/fleetmonitor-agent_<version>_amd64.deb
# It installs /usr/bin/fleetmonitor-agent, the systemd unit, and /etc/fleetmonitor/agent.json (a template to fill in,
# readable only by the fleetmonitor user, who is created on installation). The service starts once the configuration
# is filled in: systemctl enable --now fleetmonitor-agent.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=artifacts/agent/linux-x64/fleetmonitor-agent
[ -x "$binary" ] || bash scripts/publish-agent.sh linux-x64
version=$("$binary" --version | sed 's/[+-].*//')
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The agent writes its own files (binary, unit, configuration) into the staging root, as it would on a machine.
"$binary" install --config agents/FleetMonitor.Agent/agent.example.json --root "$stage" --platform Linux --no-start >/dev/null
mkdir -p "$stage/lib/systemd/system"
mv "$stage/etc/systemd/system/fleetmonitor-agent.service" "$stage/lib/systemd/system/"
rm -rf "$stage/etc/systemd" "$stage/var"

mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: fleetmonitor-agent
Version: $version
Architecture: amd64
Maintainer: FleetMonitor <fleetmonitor@example.com>
Section: net
Priority: optional
Depends: libc6 (>= 2.31), zlib1g
Description: FleetMonitor agent
 Probes the network paths of the IP phone on a remote worker's LAN (TCP/TLS, HTTP,
 DNS, SIP, media, NAT, SIP ALG, exposure, UPnP) and publishes the results.
CONTROL
echo /etc/fleetmonitor/agent.json >"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  id -u fleetmonitor >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /var/lib/fleetmonitor --shell /usr/sbin/nologin fleetmonitor
  chown root:fleetmonitor /etc/fleetmonitor
  chmod 0750 /etc/fleetmonitor
  chown fleetmonitor:fleetmonitor /etc/fleetmonitor/agent.json
  chmod 0600 /etc/fleetmonitor/agent.json
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable fleetmonitor-agent.service >/dev/null
    echo "fleetmonitor-agent: fill in /etc/fleetmonitor/agent.json, then: systemctl start fleetmonitor-agent"
  fi
fi
POSTINST
cat >"$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
  systemctl disable --now fleetmonitor-agent.service >/dev/null 2>&1 || true
fi
PRERM
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
chmod 0755 "$stage/etc/fleetmonitor"

mkdir -p artifacts
deb="artifacts/fleetmonitor-agent_${version}_amd64.deb"
dpkg-deb --root-owner-group --build "$stage" "$deb"
dpkg-deb --info "$deb"
dpkg-deb --contents "$deb"
