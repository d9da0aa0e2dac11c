namespace FleetMonitor.Agent.Installation;

/// <summary>Where an installed agent lives on each platform, under a root (<c>/</c>, or a staging folder for packages and tests).</summary>
internal sealed record ServiceLayout(ServicePlatform Platform, string Root)
{
    public const string ServiceUser = "fleetmonitor";
    public const string UnitName = "fleetmonitor-agent.service";
    public const string LaunchdLabel = "com.fleetmonitor.agent";
    public const string WindowsServiceName = "FleetMonitorAgent";

    /// <summary>The binary as the service manager starts it (a path on the target machine, not under the staging root).</summary>
    public string Binary => Platform switch
    {
        ServicePlatform.Windows => @"C:\Program Files\FleetMonitor\fleetmonitor-agent.exe",
        ServicePlatform.MacOS => "/usr/local/bin/fleetmonitor-agent",
        _ => "/usr/bin/fleetmonitor-agent",
    };

    public string ConfigFile => Platform switch
    {
        ServicePlatform.Windows => @"C:\ProgramData\FleetMonitor\agent.json",
        ServicePlatform.MacOS => "/usr/local/etc/fleetmonitor/agent.json",
        _ => "/etc/fleetmonitor/agent.json",
    };

    public string StateDirectory => Platform switch
    {
        ServicePlatform.Windows => @"C:\ProgramData\FleetMonitor\state",
        ServicePlatform.MacOS => "/usr/local/var/fleetmonitor",
        _ => "/var/lib/fleetmonitor",
    };

    /// <summary>The service definition file: systemd unit, launchd plist, or the sc.exe script for Windows.</summary>
    public string DefinitionFile => Platform switch
    {
        ServicePlatform.Windows => @"C:\ProgramData\FleetMonitor\install-service.cmd",
        ServicePlatform.MacOS => $"/Library/LaunchDaemons/{LaunchdLabel}.plist",
        _ => $"/etc/systemd/system/{UnitName}",
    };

    /// <summary>A target-machine path under <see cref="Root"/>.</summary>
    public string Staged(string path)
    {
        var relative = Platform == ServicePlatform.Windows ? path[3..].Replace('\\', Path.DirectorySeparatorChar) : path.TrimStart('/');
        return Path.Combine(Root, relative);
    }

    public static ServicePlatform Current =>
        OperatingSystem.IsWindows() ? ServicePlatform.Windows : OperatingSystem.IsMacOS() ? ServicePlatform.MacOS : ServicePlatform.Linux;
}
