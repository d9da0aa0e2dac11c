using System.Xml.Linq;
using FleetMonitor.Agent.Tests.Support;

namespace FleetMonitor.Agent.Tests.Installation;

/// <summary><c>install</c>/<c>uninstall</c> into a staging root: the files, their modes, and the unit as systemd checks it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallCommandTests
{
    private const string Config = """
        { "Agent": { "AgentId": "pc-1", "SiteId": "home", "OutboxPath": "outbox.db",
          "Broker": { "Uri": "amqps://pc-1:SECRET@mq.example.com:5671/fleetmonitor" },
          "Probes": [ { "Id": "pbx", "Kind": "tcp", "Target": "pbx.example.com:5061", "IntervalSeconds": 60, "Parameters": { "tls": "true" } } ] } }
        """;

    [Fact]
    public async Task Linux_install_writes_binary_private_config_and_a_unit_systemd_accepts()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", Config);
        var root = folder.File("root");

        var (code, stdout, stderr) = await AgentProcess.RunAsync(folder.Path, "install", "--config", "agent.json", "--root", root, "--platform", "Linux", "--no-start");

        Assert.True(code == 0, stderr);
        Assert.Contains("wrote", stdout, StringComparison.Ordinal);
        var unit = await File.ReadAllTextAsync(Path.Combine(root, "etc/systemd/system/fleetmonitor-agent.service"));
        Assert.Contains("User=fleetmonitor", unit, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/bin/fleetmonitor-agent run --config /etc/fleetmonitor/agent.json", unit, StringComparison.Ordinal);
        Assert.Contains("CapabilityBoundingSet=\n", unit, StringComparison.Ordinal);
        Assert.Contains("Type=notify", unit, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(root, "etc/fleetmonitor/agent.json")));
        Assert.Equal(Config, await File.ReadAllTextAsync(Path.Combine(root, "etc/fleetmonitor/agent.json")));
        Assert.True(File.Exists(Path.Combine(root, "usr/bin/fleetmonitor-agent")));

        // systemd's own check of the unit, against this machine's units, with ExecStart pointing at the staged binary.
        var check = Directory.CreateDirectory(folder.File("verify")).FullName;
        await File.WriteAllTextAsync(Path.Combine(check, "fleetmonitor-agent.service"), unit.Replace("ExecStart=/usr/bin/", $"ExecStart={root}/usr/bin/", StringComparison.Ordinal));
        var (verify, verifyOutput) = await Shell.RunAsync("systemd-analyze", "verify", Path.Combine(check, "fleetmonitor-agent.service"));
        Assert.True(verify == 0, verifyOutput);
        Assert.DoesNotContain("fleetmonitor-agent.service:", verifyOutput, StringComparison.Ordinal);

        var (uninstall, uninstallOut, _) = await AgentProcess.RunAsync(folder.Path, "uninstall", "--root", root, "--platform", "Linux");
        Assert.Equal(0, uninstall);
        Assert.False(File.Exists(Path.Combine(root, "etc/systemd/system/fleetmonitor-agent.service")));
        Assert.False(File.Exists(Path.Combine(root, "usr/bin/fleetmonitor-agent")));
        Assert.True(File.Exists(Path.Combine(root, "etc/fleetmonitor/agent.json")));
        Assert.Contains("--purge", uninstallOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MacOS_install_writes_a_launchd_plist_and_Windows_the_service_commands()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", Config);
        var mac = folder.File("mac");
        var windows = folder.File("windows");

        var (macCode, _, macErr) = await AgentProcess.RunAsync(folder.Path, "install", "--config", "agent.json", "--root", mac, "--platform", "MacOS");
        var (winCode, _, winErr) = await AgentProcess.RunAsync(folder.Path, "install", "--config", "agent.json", "--root", windows, "--platform", "Windows");

        Assert.True(macCode == 0, macErr);
        Assert.True(winCode == 0, winErr);
        var plist = XDocument.Load(Path.Combine(mac, "Library/LaunchDaemons/com.fleetmonitor.agent.plist"));
        var keys = plist.Root!.Element("dict")!.Elements("key").Select(k => k.Value).ToList();
        Assert.Equal(["Label", "ProgramArguments", "UserName", "WorkingDirectory", "RunAtLoad", "KeepAlive", "ThrottleInterval", "StandardErrorPath"], keys);
        Assert.Equal(
            ["/usr/local/bin/fleetmonitor-agent", "run", "--config", "/usr/local/etc/fleetmonitor/agent.json"],
            plist.Root.Element("dict")!.Element("array")!.Elements("string").Select(s => s.Value));
        Assert.True(File.Exists(Path.Combine(mac, "usr/local/etc/fleetmonitor/agent.json")));

        var script = await File.ReadAllTextAsync(Path.Combine(windows, "ProgramData/FleetMonitor/install-service.cmd"));
        Assert.Contains("sc.exe create FleetMonitorAgent binPath= \"\\\"C:\\Program Files\\FleetMonitor\\fleetmonitor-agent.exe\\\" run --config \\\"C:\\ProgramData\\FleetMonitor\\agent.json\\\"\"", script, StringComparison.Ordinal);
        Assert.Contains("obj= \"NT AUTHORITY\\LocalService\"", script, StringComparison.Ordinal);
        Assert.Contains("\r\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Install_refuses_an_invalid_configuration_before_writing_anything()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", """{ "Agent": { "AgentId": "pc-1", "SiteId": "home", "Broker": { "Uri": "ftp://x" } } }""");
        var root = folder.File("root");

        var (code, _, stderr) = await AgentProcess.RunAsync(folder.Path, "install", "--config", "agent.json", "--root", root, "--platform", "Linux");

        Assert.Equal(78, code);
        Assert.Contains("Agent:Broker:Uri", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(root));
    }
}
