#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/test-packages.txt that are not installed yet.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
while read -r package; do
  package=${package%%#*}; package=${package// /}
  [ -n "$package" ] || continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done < test-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  echo "peers: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
