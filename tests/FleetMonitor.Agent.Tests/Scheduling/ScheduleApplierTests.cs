using System.Collections.Specialized;
using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using Quartz.Impl;
using Quartz.Impl.Matchers;

namespace FleetMonitor.Agent.Tests.Scheduling;

/// <summary>A real Quartz scheduler (not started, so nothing fires): what the applier leaves in it is what would run.</summary>
public sealed class ScheduleApplierTests : IDisposable
{
    private readonly StdSchedulerFactory _factory = new(new NameValueCollection { ["quartz.scheduler.instanceName"] = $"test-{Guid.NewGuid():N}" });
    private readonly ActiveProbes _active = new();
    private readonly ScheduleStatus _status = new();
    private readonly ScheduleApplier _applier;

    public ScheduleApplierTests()
    {
        var options = Options.Create(new AgentOptions
        {
            AgentId = "agent-1",
            SiteId = "home-1",
            Reflector = new FleetMonitor.Agent.Control.ReflectorCredentialOptions { Username = "agent-1", Password = "reflector-secret-123456" },
        });
        _applier = new ScheduleApplier(_factory, _active, _status, ProbeCatalog.CreateDefault(), options,
            new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)), NullLogger<ScheduleApplier>.Instance);
    }

    [Fact]
    public async Task Changes_add_replace_and_remove_jobs_and_keep_unchanged_triggers()
    {
        Assert.True(await _applier.ApplyAsync(Schedule(1, Tcp("pbx", 1, interval: 30), Tcp("prov", 1, cron: "0 0/5 * * * ?")), CancellationToken.None));
        var scheduler = await _factory.GetScheduler();
        var pbxTrigger = await scheduler.GetTrigger(new TriggerKey("pbx", ScheduleApplier.SiteGroup));
        Assert.NotNull(pbxTrigger);

        Assert.True(await _applier.ApplyAsync(Schedule(2, Tcp("pbx", 1, interval: 30), Tcp("prov", 2, cron: "0 0/1 * * * ?"), Tcp("sbc", 1, interval: 60)), CancellationToken.None));

        var keys = (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduleApplier.SiteGroup))).Select(k => k.Name).Order().ToArray();
        Assert.Equal(["pbx", "prov", "sbc"], keys);
        var prov = (ICronTrigger)(await scheduler.GetTrigger(new TriggerKey("prov", ScheduleApplier.SiteGroup)))!;
        Assert.Equal("0 0/1 * * * ?", prov.CronExpressionString);
        Assert.Equal(MisfireInstruction.CronTrigger.DoNothing, prov.MisfireInstruction);
        Assert.True(_active.TryGet(new JobKey("prov", ScheduleApplier.SiteGroup), out var provDefinition));
        Assert.Equal(2, provDefinition.Version);
        // Unchanged: the very same trigger, not a new one with a new start.
        Assert.Equal(pbxTrigger.StartTimeUtc, (await scheduler.GetTrigger(new TriggerKey("pbx", ScheduleApplier.SiteGroup)))!.StartTimeUtc);

        Assert.True(await _applier.ApplyAsync(Schedule(3, Tcp("sbc", 1, interval: 60)), CancellationToken.None));

        keys = (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduleApplier.SiteGroup))).Select(k => k.Name).ToArray();
        Assert.Equal(["sbc"], keys);
        Assert.False(_active.TryGet(new JobKey("pbx", ScheduleApplier.SiteGroup), out _));
        Assert.Equal(3, _status.AppliedVersion);
        Assert.Null(_status.Error);
    }

    [Fact]
    public async Task Invalid_schedule_is_refused_whole_and_the_previous_one_keeps_running()
    {
        await _applier.ApplyAsync(Schedule(1, Tcp("pbx", 1, interval: 30)), CancellationToken.None);

        var applied = await _applier.ApplyAsync(
            Schedule(2, Tcp("pbx", 2, interval: 30), Tcp("broken", 1, cron: "every minute"), new ScheduledProbe { Id = "odd", Version = 1, Kind = "ping", Target = "x", IntervalSeconds = 5, TimeoutSeconds = 1 }),
            CancellationToken.None);

        Assert.False(applied);
        Assert.Equal(1, _status.AppliedVersion);
        Assert.Contains("version 2", _status.Error, StringComparison.Ordinal);
        Assert.Contains("broken", _status.Error, StringComparison.Ordinal);
        Assert.Contains("'ping'", _status.Error, StringComparison.Ordinal);
        var scheduler = await _factory.GetScheduler();
        Assert.Equal(["pbx"], (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ScheduleApplier.SiteGroup))).Select(k => k.Name).ToArray());
        Assert.True(_active.TryGet(new JobKey("pbx", ScheduleApplier.SiteGroup), out var pbx));
        Assert.Equal(1, pbx.Version);
    }

    [Fact]
    public async Task Older_or_same_version_is_ignored()
    {
        await _applier.ApplyAsync(Schedule(5, Tcp("pbx", 3, interval: 30)), CancellationToken.None);

        Assert.False(await _applier.ApplyAsync(Schedule(4, Tcp("old", 1, interval: 30)), CancellationToken.None));
        Assert.False(await _applier.ApplyAsync(Schedule(5, Tcp("same", 1, interval: 30)), CancellationToken.None));

        Assert.Equal(5, _status.AppliedVersion);
        Assert.Null(_status.Error);
        Assert.True(_active.TryGet(new JobKey("pbx", ScheduleApplier.SiteGroup), out _));
        Assert.False(_active.TryGet(new JobKey("old", ScheduleApplier.SiteGroup), out _));
    }

    [Fact]
    public async Task Nat_and_exposure_probes_get_the_agents_reflector_credential()
    {
        await _applier.ApplyAsync(Schedule(1, new ScheduledProbe { Id = "nat", Version = 1, Kind = "nat", Target = "stun.example.com:3478", IntervalSeconds = 600, TimeoutSeconds = 125 }), CancellationToken.None);

        Assert.True(_active.TryGet(new JobKey("nat", ScheduleApplier.SiteGroup), out var nat));
        Assert.Equal("agent-1", nat.Parameters["username"]);
        Assert.Equal("reflector-secret-123456", nat.Parameters["password"]);
    }

    public void Dispose() => _applier.Dispose();

    private static SiteScheduleChanged Schedule(long version, params ScheduledProbe[] probes) => new()
    {
        SchemaVersion = SiteScheduleChanged.CurrentSchemaVersion,
        SiteId = "home-1",
        Version = version,
        ChangedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        Probes = probes,
    };

    private static ScheduledProbe Tcp(string id, int version, int? interval = null, string? cron = null) => new()
    {
        Id = id,
        Version = version,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        IntervalSeconds = interval,
        Cron = cron,
        TimeZone = "Europe/Berlin",
        TimeoutSeconds = 5,
    };
}
