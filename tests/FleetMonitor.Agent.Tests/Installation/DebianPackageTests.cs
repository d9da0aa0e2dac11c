using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Tests.Support;
using FleetMonitor.EndToEnd.Support;

namespace FleetMonitor.Agent.Tests.Installation;

/// <summary>
/// scripts/package-agent-deb.sh: the package's files, owners and modes, then an installation by dpkg into a scratch root
/// (dpkg --root with the maintainer scripts run against that root, nothing on this machine changed), the installed agent
/// run from there, and a purge.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianPackageTests
{
    [Fact]
    public async Task The_package_installs_the_agent_with_credentials_readable_only_by_its_user_and_purges_cleanly()
    {
        using var folder = new TempDirectory();
        // Without a published binary the script publishes one (minutes); CI hands it the one its tests run.
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "package-agent-deb.sh");
        string[] args = AgentProcess.AotBinary is { } binary ? [script, binary, folder.Path] : [script];
        var deb = (await Shell.RequireAsync("bash", args)).Trim().Split('\n')[^1];
        deb = Path.IsPathRooted(deb) ? deb : Path.Combine(RepositoryRoot.Path, deb);

        var fields = await Shell.RequireAsync("dpkg-deb", "--field", deb, "Package", "Architecture", "Depends");
        Assert.Contains("Package: fleetmonitor-agent", fields, StringComparison.Ordinal);
        Assert.Contains("Architecture: amd64", fields, StringComparison.Ordinal);
        Assert.Equal("/etc/fleetmonitor/agent.json", (await Shell.RequireAsync("dpkg-deb", "--info", deb, "conffiles")).Trim());

        // Every entry of the archive: mode, owner/group, path (directories left out).
        var entries = (await Shell.RequireAsync("dpkg-deb", "--contents", deb)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => !f[0].StartsWith('d'))
            .ToDictionary(f => f[5], f => (Mode: f[0], Owner: f[1], Link: f.Length > 7 ? f[7] : null));
        Assert.Equal(("-rwxr-xr-x", "root/root"), (entries["./usr/lib/fleetmonitor-agent/fleetmonitor-agent"].Mode, entries["./usr/lib/fleetmonitor-agent/fleetmonitor-agent"].Owner));
        Assert.Equal("../lib/fleetmonitor-agent/fleetmonitor-agent", entries["./usr/bin/fleetmonitor-agent"].Link);
        Assert.Equal("-rw-r--r--", entries["./lib/systemd/system/fleetmonitor-agent.service"].Mode);
        Assert.Equal(("-rw-------", "root/root"), (entries["./etc/fleetmonitor/agent.json"].Mode, entries["./etc/fleetmonitor/agent.json"].Owner));
        Assert.Empty(entries.Keys.Except([
            "./usr/lib/fleetmonitor-agent/fleetmonitor-agent", "./usr/lib/fleetmonitor-agent/libe_sqlite3.so", "./usr/bin/fleetmonitor-agent",
            "./lib/systemd/system/fleetmonitor-agent.service", "./etc/fleetmonitor/agent.json"]));

        // A scratch root with an empty dpkg database and a root-only user database.
        var root = Directory.CreateDirectory(folder.File("root")).FullName;
        foreach (var dir in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        await File.WriteAllTextAsync(Path.Combine(root, "var/lib/dpkg/status"), "");
        await File.WriteAllTextAsync(Path.Combine(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        await File.WriteAllTextAsync(Path.Combine(root, "etc/group"), "root:x:0:\n");
        await File.WriteAllTextAsync(Path.Combine(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n");
        await File.WriteAllTextAsync(Path.Combine(root, "etc/gshadow"), "root:*::\n");
        var hostHadUnit = File.Exists("/lib/systemd/system/fleetmonitor-agent.service");

        await Shell.RequireAsync("dpkg", "--root", root, "--force-script-chrootless", "--force-depends", "--install", deb);

        var user = (await File.ReadAllLinesAsync(Path.Combine(root, "etc/passwd"))).Single(l => l.StartsWith("fleetmonitor:", StringComparison.Ordinal)).Split(':');
        Assert.Equal("/usr/sbin/nologin", user[6]);
        var config = Path.Combine(root, "etc/fleetmonitor/agent.json");
        Assert.Equal($"{user[2]}:{user[3]} 600", (await Shell.RequireAsync("stat", "-c", "%u:%g %a", config)).Trim());
        Assert.Equal($"0:{user[3]} 750", (await Shell.RequireAsync("stat", "-c", "%u:%g %a", Path.GetDirectoryName(config)!)).Trim());
        Assert.Equal(hostHadUnit, File.Exists("/lib/systemd/system/fleetmonitor-agent.service"));

        // The installed agent runs through its /usr/bin link and reads an outbox with the SQLite library installed beside it.
        using (var outbox = new ResultOutbox(folder.File("outbox.db"), TimeProvider.System))
        {
            await outbox.EnqueueAsync("result.home.tcp", "m0", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
        }

        folder.Write("status.json", $$"""{ "Agent": { "AgentId": "pc-deb", "SiteId": "home", "OutboxPath": "{{folder.File("outbox.db")}}" } }""");
        var status = await Shell.RequireAsync(Path.Combine(root, "usr/bin/fleetmonitor-agent"), "status", "--config", folder.File("status.json"));
        Assert.Matches(@"outbox depth\s+1 waiting", status);

        await Shell.RequireAsync("dpkg", "--root", root, "--force-script-chrootless", "--purge", "fleetmonitor-agent");
        Assert.False(File.Exists(Path.Combine(root, "usr/lib/fleetmonitor-agent/fleetmonitor-agent")));
        Assert.False(File.Exists(config));
        Assert.False(File.Exists(Path.Combine(root, "lib/systemd/system/fleetmonitor-agent.service")));
    }
}
