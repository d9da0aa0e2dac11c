using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FleetMonitor.Agent.Tests.Cli;
using FleetMonitor.Agent.Tests.Support;
using Microsoft.Data.Sqlite;

namespace FleetMonitor.Agent.Tests.Installation;

/// <summary>
/// The installed agent run as the unit runs it: as the unprivileged fleetmonitor user, no capabilities, no new
/// privileges, umask 0077, in its state folder, with the configuration only that user can read.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServiceUserTests
{
    [Fact]
    public async Task The_agent_runs_as_the_service_user_without_capabilities_and_keeps_its_files_private()
    {
        await Shell.RequireAsync("sh", "-c", "id -u fleetmonitor || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin fleetmonitor");
        using var folder = new TempDirectory();
        File.SetUnixFileMode(folder.Path, (UnixFileMode)0b111_101_101);
        using var pbx = new TcpListener(IPAddress.Loopback, 0);
        pbx.Start();
        var state = Directory.CreateDirectory(folder.File("state")).FullName;
        var config = folder.Write("agent.json", $$"""
            { "Agent": { "AgentId": "pc-svc", "SiteId": "home", "OutboxPath": "outbox.db", "MaxSplay": "00:00:00",
              "Broker": { "Uri": "amqp://x:y@127.0.0.1:{{ProbeCommandTests.ClosedPort()}}/" },
              "Probes": [ { "Id": "pbx", "Kind": "tcp", "Target": "127.0.0.1:{{((IPEndPoint)pbx.LocalEndpoint).Port}}", "IntervalSeconds": 1 } ] } }
            """);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await Shell.RequireAsync("chown", "fleetmonitor:fleetmonitor", config, state);

        var binary = AgentProcess.AotBinary ?? Path.Combine(AppContext.BaseDirectory, "fleetmonitor-agent");
        var start = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = state,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[] { "--reuid=fleetmonitor", "--regid=fleetmonitor", "--init-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "sh", "-c", "umask 0077 && exec \"$0\" run --config \"$1\"", binary, config })
        {
            start.ArgumentList.Add(arg);
        }

        using var agent = Process.Start(start)!;
        var stderr = agent.StandardError.ReadToEndAsync();
        try
        {
            var outbox = Path.Combine(state, "outbox.db");
            await Eventually.TrueAsync(async () => agent.HasExited || await ResultsAsync(outbox) >= 2, TimeSpan.FromSeconds(90), "results written by the service user");
            Assert.False(agent.HasExited, agent.HasExited ? await stderr : "");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(outbox));
            var (_, owner) = await Shell.RunAsync("stat", "-c", "%U", outbox);
            Assert.Equal("fleetmonitor", owner.Trim());
            var (nobodyCode, nobodyOut) = await Shell.RunAsync("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", config);
            Assert.NotEqual(0, nobodyCode);
            Assert.Contains("Permission denied", nobodyOut, StringComparison.Ordinal);
        }
        finally
        {
            agent.Kill(entireProcessTree: true);
            await agent.WaitForExitAsync();
        }
    }

    private static async Task<long> ResultsAsync(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox WHERE type = 'ProbeCompleted'";
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            return 0; // the agent has opened the file but not made its tables yet
        }
    }
}
