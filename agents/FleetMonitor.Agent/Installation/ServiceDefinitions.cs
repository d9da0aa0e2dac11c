using System.Security;

namespace FleetMonitor.Agent.Installation;

/// <summary>
/// The service definitions the agent installs: a hardened systemd unit (unprivileged user, no capabilities: no probe
/// opens a raw socket or binds a port below 1024), a launchd daemon plist, and the sc.exe commands of a Windows service.
/// </summary>
internal static class ServiceDefinitions
{
    public static string For(ServiceLayout layout) => layout.Platform switch
    {
        ServicePlatform.Windows => WindowsScript(layout),
        ServicePlatform.MacOS => LaunchdPlist(layout),
        _ => SystemdUnit(layout),
    };

    public static string SystemdUnit(ServiceLayout layout) => $"""
        [Unit]
        Description=FleetMonitor agent (probes the network paths of the IP phone)
        Documentation=https://github.com/fleetmonitor/fleetmonitor
        Wants=network-online.target
        After=network-online.target

        [Service]
        Type=notify
        User={ServiceLayout.ServiceUser}
        Group={ServiceLayout.ServiceUser}
        ExecStart={layout.Binary} run --config {layout.ConfigFile}
        WorkingDirectory={layout.StateDirectory}
        StateDirectory=fleetmonitor
        StateDirectoryMode=0700
        Restart=on-failure
        RestartSec=10s
        # A configuration or usage error does not heal by restarting: the journal shows it once.
        RestartPreventExitStatus=2 78
        TimeoutStopSec=30s
        # No probe needs a capability (no raw sockets, no port below 1024), so the service has none.
        CapabilityBoundingSet=
        AmbientCapabilities=
        NoNewPrivileges=yes
        ProtectSystem=strict
        ProtectHome=yes
        PrivateTmp=yes
        PrivateDevices=yes
        ProtectKernelTunables=yes
        ProtectKernelModules=yes
        ProtectKernelLogs=yes
        ProtectControlGroups=yes
        ProtectClock=yes
        ProtectHostname=yes
        RestrictNamespaces=yes
        RestrictRealtime=yes
        RestrictSUIDSGID=yes
        LockPersonality=yes
        MemoryDenyWriteExecute=yes
        RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
        SystemCallArchitectures=native
        UMask=0077

        [Install]
        WantedBy=multi-user.target

        """;

    public static string LaunchdPlist(ServiceLayout layout) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
          <key>Label</key>
          <string>{ServiceLayout.LaunchdLabel}</string>
          <key>ProgramArguments</key>
          <array>
            <string>{Xml(layout.Binary)}</string>
            <string>run</string>
            <string>--config</string>
            <string>{Xml(layout.ConfigFile)}</string>
          </array>
          <key>UserName</key>
          <string>_{ServiceLayout.ServiceUser}</string>
          <key>WorkingDirectory</key>
          <string>{Xml(layout.StateDirectory)}</string>
          <key>RunAtLoad</key>
          <true/>
          <key>KeepAlive</key>
          <dict>
            <key>SuccessfulExit</key>
            <false/>
          </dict>
          <key>ThrottleInterval</key>
          <integer>10</integer>
          <key>StandardErrorPath</key>
          <string>/usr/local/var/log/fleetmonitor-agent.log</string>
        </dict>
        </plist>

        """;

    public static string WindowsScript(ServiceLayout layout) => $"""
        @echo off
        rem Installs the FleetMonitor agent as a Windows service running as LocalService (no administrator rights).
        sc.exe create {ServiceLayout.WindowsServiceName} binPath= "\"{layout.Binary}\" run --config \"{layout.ConfigFile}\"" start= delayed-auto obj= "NT AUTHORITY\LocalService" DisplayName= "FleetMonitor agent"
        sc.exe description {ServiceLayout.WindowsServiceName} "Probes the network paths of the IP phone and reports them to FleetMonitor"
        sc.exe failure {ServiceLayout.WindowsServiceName} reset= 86400 actions= restart/10000/restart/60000/none/0
        sc.exe start {ServiceLayout.WindowsServiceName}

        """.ReplaceLineEndings("\r\n");

    private static string Xml(string text) => SecurityElement.Escape(text);
}
