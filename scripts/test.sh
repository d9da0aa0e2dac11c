#!/usr/bin/env bash
# The test command: installs and starts what the tests talk to (Debian packages), restores, builds and runs every
# test project against the real services, then prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/services.sh

# Peers the tests drive (Chromium, SIP servers, ...): scripts/test-packages.txt.
bash scripts/peers.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet restore FleetMonitor.sln
dotnet build FleetMonitor.sln --no-restore -c Release

# The agent as it ships: one Native AOT file (a trim or AOT warning fails here). Its tests that start the agent as a
# process (exit codes, kill -9, install, the service user) run this binary.
bash scripts/publish-agent.sh linux-x64
export FLEETMONITOR_AGENT_BINARY="$PWD/artifacts/agent/linux-x64/fleetmonitor-agent"

results=TestResults
rm -rf "$results"
status=0
# Soaks (tests of many minutes, e.g. the three-node RabbitMQ cluster) run only with FLEETMONITOR_TEST_SOAK=1.
soak=(--filter "Category!=Soak")
[ "${FLEETMONITOR_TEST_SOAK:-0}" = "1" ] && soak=()
dotnet test FleetMonitor.sln --no-build -c Release "${soak[@]}" --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" || status=$?

# One line in the form CI reads: totals over every test project's TRX file.
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
failures = []
for path in glob.glob(sys.argv[1] + "/*.trx"):
    root = ET.parse(path).getroot()
    c = root.find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
    for r in root.iterfind("t:Results/t:UnitTestResult", ns):
        if r.get("outcome") not in ("Passed", "NotExecuted"):
            message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip()
            failures.append((r.get("testName"), r.get("duration"), message))
# The failed tests again at the end, each with the first lines of its message, so that the tail of a long log says
# what failed and why without a search through it.
for name, duration, message in failures:
    print(f"FAILED {name} [{duration}]")
    for line in message.splitlines()[:12]:
        print(f"    {line[:400]}")
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
