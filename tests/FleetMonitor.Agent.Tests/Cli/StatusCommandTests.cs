using FleetMonitor.Agent.Control;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Tests.Support;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Tests.Cli;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task Status_shows_depth_dead_letters_last_publish_and_schedule_version()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", """
            { "Agent": { "AgentId": "pc-1", "SiteId": "home", "OutboxPath": "state/outbox.db",
              "Probes": [ { "Id": "pbx", "Kind": "tcp", "Target": "pbx:5061", "IntervalSeconds": 60 } ] } }
            """);
        using (var outbox = new ResultOutbox(folder.File("state/outbox.db"), TimeProvider.System))
        {
            for (var i = 0; i < 4; i++)
            {
                await outbox.EnqueueAsync("result.home.tcp", $"m{i}", "ProbeCompleted", new byte[] { 1 }, CancellationToken.None);
            }

            var waiting = await outbox.PeekAsync(2, CancellationToken.None);
            await outbox.DeleteAsync([waiting[0].Sequence], CancellationToken.None);
            await outbox.DeadLetterAsync(waiting[1], "refused by the broker: 403 ACCESS_REFUSED", CancellationToken.None);
        }

        var options = new AgentOptions { Control = { ScheduleCachePath = folder.File("agent-schedule.json") } };
        await new ScheduleCache(Microsoft.Extensions.Options.Options.Create(options)).SaveAsync(
            new SiteScheduleChanged { SchemaVersion = 1, SiteId = "home", Version = 17, ChangedAt = DateTimeOffset.UnixEpoch, Probes = [] },
            CancellationToken.None);

        var (code, stdout, stderr) = await AgentProcess.RunAsync(folder.Path, "status");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"outbox depth\s+2 waiting, oldest from \d{4}-\d\d-\d\d", stdout);
        Assert.Matches(@"last successful publish\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ s ago\)", stdout);
        Assert.Matches(@"dead letters\s+1 kept aside \(refused by the broker; last reason: refused by the broker: 403 ACCESS_REFUSED\)", stdout);
        Assert.Matches(@"applied schedule\s+site schedule version 17 \(from the server\)", stdout);
    }

    [Fact]
    public async Task Status_before_the_first_run_says_there_is_no_outbox_yet()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", """{ "Agent": { "AgentId": "pc-1", "SiteId": "home", "OutboxPath": "none.db" } }""");

        var (code, stdout, _) = await AgentProcess.RunAsync(folder.Path, "status", "--config", "agent.json");

        Assert.Equal(1, code);
        Assert.Contains("does not exist yet", stdout, StringComparison.Ordinal);
    }
}
