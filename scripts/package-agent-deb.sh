#!/usr/bin/env bash
# Builds the agent's Debian package from the Native AOT binary:
#   bash scripts/package-agent-deb.sh [BINARY [OUT_DIR]]
#     BINARY   default artifacts/agent/linux-x64/fleetmonitor-agent (published first when missing)
#     OUT_DIR  default artifacts
#   -> OUT_DIR/fleetmonitor-agent_<version>_amd64.deb
# The package holds /usr/lib/fleetmonitor-agent/ (the binary and the SQLite library published beside it),
# /usr/bin/fleetmonitor-agent (a link to the binary), the systemd unit in /lib/systemd/system, and
# /etc/fleetmonitor/agent.json: a template to fill in, a conffile, readable only by the fleetmonitor user, whom the
# postinst creates. Then: systemctl start fleetmonitor-agent (the postinst enables the unit when systemd runs).
# The maintainer scripts honour DPKG_ROOT, so `dpkg --root DIR --force-script-chrootless -i` installs into DIR alone.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:-artifacts/agent/linux-x64/fleetmonitor-agent}
out=${2:-artifacts}
if [ ! -x "$binary" ]; then
  [ "$#" -eq 0 ] || { echo "package-agent-deb: $binary is not an executable file" >&2; exit 2; }
  bash scripts/publish-agent.sh linux-x64
fi
version=$("$binary" --version | sed 's/[+-].*//')
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"
umask 022

# The agent writes its own unit and configuration into the staging root, exactly as `install` does on a machine.
"$binary" install --config agents/FleetMonitor.Agent/agent.example.json --root "$stage" --platform Linux --no-start >/dev/null
mkdir -p "$stage/lib/systemd/system" "$stage/usr/lib/fleetmonitor-agent"
mv "$stage/etc/systemd/system/fleetmonitor-agent.service" "$stage/lib/systemd/system/"
chmod 0644 "$stage/lib/systemd/system/fleetmonitor-agent.service"
# The binary loads libe_sqlite3.so (which install puts beside it) from its own folder; /usr/bin holds a link to it.
mv "$stage/usr/bin/fleetmonitor-agent" "$stage/usr/lib/fleetmonitor-agent/fleetmonitor-agent"
if [ -f "$stage/usr/bin/libe_sqlite3.so" ]; then
  mv "$stage/usr/bin/libe_sqlite3.so" "$stage/usr/lib/fleetmonitor-agent/libe_sqlite3.so"
fi
ln -s ../lib/fleetmonitor-agent/fleetmonitor-agent "$stage/usr/bin/fleetmonitor-agent"
# systemd creates the state folder (StateDirectory=) for the unit's user.
rm -rf "$stage/etc/systemd" "$stage/var"
chmod 0755 "$stage/etc/fleetmonitor"
chmod 0600 "$stage/etc/fleetmonitor/agent.json"

mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: fleetmonitor-agent
Version: $version
Architecture: amd64
Maintainer: FleetMonitor <fleetmonitor@example.com>
Section: net
Priority: optional
Depends: libc6 (>= 2.31)
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Description: FleetMonitor agent
 Probes the network paths of the IP phone on a remote worker's LAN (TCP/TLS, HTTP,
 DNS, SIP, media, NAT, SIP ALG, exposure, UPnP) and publishes the results.
CONTROL
echo /etc/fleetmonitor/agent.json >"$stage/DEBIAN/conffiles"
cat >"$stage/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  root="${DPKG_ROOT:-}"
  if [ -z "$root" ]; then
    id -u fleetmonitor >/dev/null 2>&1 || useradd --system --user-group --no-create-home \
      --home-dir /var/lib/fleetmonitor --shell /usr/sbin/nologin fleetmonitor
    uid=$(id -u fleetmonitor)
    gid=$(id -g fleetmonitor)
  else
    grep -q '^fleetmonitor:' "$root/etc/passwd" || useradd --prefix "$root" --system --user-group --no-create-home \
      --home-dir /var/lib/fleetmonitor --shell /usr/sbin/nologin fleetmonitor
    uid=$(awk -F: '$1 == "fleetmonitor" { print $3 }' "$root/etc/passwd")
    gid=$(awk -F: '$1 == "fleetmonitor" { print $3 }' "$root/etc/group")
  fi
  # The configuration holds the broker credentials: the agent's user alone reads it.
  chown "0:$gid" "$root/etc/fleetmonitor"
  chmod 0750 "$root/etc/fleetmonitor"
  chown "$uid:$gid" "$root/etc/fleetmonitor/agent.json"
  chmod 0600 "$root/etc/fleetmonitor/agent.json"
  if [ -z "$root" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable fleetmonitor-agent.service >/dev/null
    echo "fleetmonitor-agent: fill in /etc/fleetmonitor/agent.json, then: systemctl start fleetmonitor-agent"
  fi
fi
POSTINST
cat >"$stage/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
  systemctl disable --now fleetmonitor-agent.service >/dev/null 2>&1 || true
fi
PRERM
cat >"$stage/DEBIAN/postrm" <<'POSTRM'
#!/bin/sh
set -e
# The outbox (results not yet delivered) goes only on purge; the user stays, as Debian keeps system users.
if [ "$1" = purge ]; then
  rm -rf "${DPKG_ROOT:-}/var/lib/fleetmonitor"
fi
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
POSTRM
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

mkdir -p "$out"
deb="$out/fleetmonitor-agent_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
