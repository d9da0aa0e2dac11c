# Installs the FleetMonitor agent as a Windows service. Run in an elevated PowerShell from the unzipped folder:
#   .\install-agent.ps1 -Config .\agent.json
# The service runs as LocalService; the configuration (with the agent's broker credentials) is readable only by
# that account and administrators. .\install-agent.ps1 -Uninstall removes the service and keeps the data.
param(
    [string]$Config,
    [switch]$Uninstall
)
$ErrorActionPreference = 'Stop'
$name = 'FleetMonitorAgent'
$programDir = Join-Path $env:ProgramFiles 'FleetMonitor'
$dataDir = Join-Path $env:ProgramData 'FleetMonitor'
$exe = Join-Path $programDir 'fleetmonitor-agent.exe'
$configFile = Join-Path $dataDir 'agent.json'

if ($Uninstall) {
    if (Get-Service $name -ErrorAction SilentlyContinue) {
        Stop-Service $name -ErrorAction SilentlyContinue
        sc.exe delete $name | Out-Null
    }
    Remove-Item $exe -ErrorAction SilentlyContinue
    Write-Host "Removed the service; $dataDir is kept."
    return
}

if (-not $Config) { throw 'Give the configuration: .\install-agent.ps1 -Config .\agent.json' }
# The agent checks the configuration itself: exit code 78 and one line per mistake.
& (Join-Path $PSScriptRoot 'fleetmonitor-agent.exe') status --config $Config | Out-Null
if ($LASTEXITCODE -eq 78) { throw "The configuration $Config is not valid (see above)." }

New-Item -ItemType Directory -Force $programDir, $dataDir, (Join-Path $dataDir 'state') | Out-Null
Copy-Item (Join-Path $PSScriptRoot 'fleetmonitor-agent.exe') $exe -Force
Copy-Item $Config $configFile -Force

# Only LocalService (the service) and administrators may read the credentials or write the outbox.
foreach ($path in @($configFile, (Join-Path $dataDir 'state'))) {
    $acl = New-Object System.Security.AccessControl.DirectorySecurity
    if (Test-Path $path -PathType Leaf) { $acl = New-Object System.Security.AccessControl.FileSecurity }
    $acl.SetAccessRuleProtection($true, $false)
    $inherit = if (Test-Path $path -PathType Container) { 'ContainerInherit,ObjectInherit' } else { 'None' }
    foreach ($who in @('NT AUTHORITY\LocalService', 'BUILTIN\Administrators', 'NT AUTHORITY\SYSTEM')) {
        $acl.AddAccessRule((New-Object System.Security.AccessControl.FileSystemAccessRule($who, 'FullControl', $inherit, 'None', 'Allow')))
    }
    Set-Acl $path $acl
}

# The outbox must live in the state folder: a relative OutboxPath would land in the service's working folder (System32).
$json = Get-Content $configFile -Raw | ConvertFrom-Json
$json.Agent | Add-Member -NotePropertyName OutboxPath -NotePropertyValue (Join-Path $dataDir 'state\outbox.db') -Force
$json | ConvertTo-Json -Depth 10 | Set-Content $configFile -Encoding UTF8

& $exe install --config $configFile --platform Windows
if ($LASTEXITCODE -ne 0) { throw "fleetmonitor-agent install failed ($LASTEXITCODE)" }
Write-Host "Installed and started the service $name."
