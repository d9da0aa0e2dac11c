#!/usr/bin/env bash
# Publishes the agent as one self-contained Native AOT file per runtime identifier:
#   bash scripts/publish-agent.sh [RID...]        (default linux-x64) -> artifacts/agent/<RID>/fleetmonitor-agent
# Native AOT links with clang and zlib: installed from Debian packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rids=("$@")
((${#rids[@]})) || rids=(linux-x64)
for rid in "${rids[@]}"; do
  out="artifacts/agent/$rid"
  rm -rf "$out"
  # Warnings are errors here as everywhere: a trim or AOT warning fails the publish.
  dotnet publish agents/FleetMonitor.Agent/FleetMonitor.Agent.csproj -c Release -r "$rid" -o "$out" -p:StripSymbols=true
  rm -f "$out"/*.dbg "$out"/*.pdb
  ls -l "$out"
done
