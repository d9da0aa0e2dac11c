namespace FleetMonitor.Agent.Installation;

/// <summary>The service managers the agent installs itself under.</summary>
internal enum ServicePlatform
{
    Linux,
    Windows,
    MacOS,
}
