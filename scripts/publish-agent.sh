#!/usr/bin/env bash
# Publishes the agent as one self-contained Native AOT file per runtime identifier:
#   bash scripts/publish-agent.sh [RID...]        (default linux-x64) -> artifacts/agent/<RID>/fleetmonitor-agent
#   bash scripts/publish-agent.sh --audit-quartz  lists Quartz's trim/AOT findings one by one (the normal publish
#       collapses them into one IL2104 it does not report) and fails on any but the two named in the agent's csproj.
# Native AOT links with clang and zlib: installed from Debian packages when missing.
# Every trim or AOT warning is an error (TreatWarningsAsErrors), so a publish that succeeds printed none.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
# linux-arm64 from an x64 machine: the arm64 linker and C library.
if [[ " $* " == *" linux-arm64 "* ]] && [ "$(dpkg --print-architecture)" != arm64 ]; then
  dpkg -s gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu >/dev/null 2>&1 || missing+=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu)
fi
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
project=agents/FleetMonitor.Agent/FleetMonitor.Agent.csproj

if [ "${1:-}" = --audit-quartz ]; then
  log=$(mktemp); out=$(mktemp -d)
  trap 'rm -rf "$log" "$out"' EXIT
  dotnet publish "$project" -c Release -r linux-x64 -o "$out" -p:AuditQuartz=true -p:TreatWarningsAsErrors=false >"$log" 2>&1 || true
  found=$(grep -oE 'IL[0-9]{4}: [^ (]+' "$log" | sort -u || true)
  expected=$'IL2026: Quartz.Core.JobRunShell.<NotifyListenersBeginning>d__15.MoveNext\nIL2026: Quartz.Logging.JobDiagnosticsWriter.WriteStarted'
  echo "$found"
  if [ "$found" != "$expected" ]; then
    echo "publish-agent: trim/AOT findings differ from the two known ones in Quartz's JobRunShell (full log: $log)" >&2
    trap - EXIT; exit 1
  fi
  echo "publish-agent: Quartz has exactly the two known findings (JobRunShell's DiagnosticSource payloads)"
  exit 0
fi

rids=("$@")
((${#rids[@]})) || rids=(linux-x64)
for rid in "${rids[@]}"; do
  out="artifacts/agent/$rid"
  rm -rf "$out"
  # Warnings are errors here as everywhere: a trim or AOT warning fails the publish.
  dotnet publish "$project" -c Release -r "$rid" -o "$out" -p:StripSymbols=true -p:TreatWarningsAsErrors=true
  rm -f "$out"/*.dbg "$out"/*.pdb
  ls -l "$out"
done
