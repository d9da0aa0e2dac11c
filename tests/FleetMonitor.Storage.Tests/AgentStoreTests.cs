using FleetMonitor.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Storage.Tests;

public sealed class AgentStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Heartbeats_update_the_agent_and_an_older_one_is_ignored(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var agents = new AgentStore(db.Database, time);

        await agents.RecordHeartbeatAsync(Heartbeat(T0, "1.0.0", backlog: 3), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeat(T0.AddMinutes(1), "1.1.0", backlog: 0), CancellationToken.None);
        await agents.RecordHeartbeatAsync(Heartbeat(T0.AddSeconds(30), "1.0.0", backlog: 7), CancellationToken.None);

        var agent = await agents.GetAsync("agent-9", CancellationToken.None);
        Assert.NotNull(agent);
        Assert.Equal("1.1.0", agent.AgentVersion);
        Assert.Equal(0, agent.OutboxBacklog);
        Assert.Equal(T0.AddMinutes(1), agent.LastHeartbeatAt);
        Assert.Equal("home-42", agent.SiteId);
        Assert.NotNull(await new SiteStore(db.Database, time).GetAsync("home-42", CancellationToken.None));
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task A_heartbeat_sent_with_a_UTC_offset_is_recorded_at_its_instant(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var time = new FakeTimeProvider(T0);
        var agents = new AgentStore(db.Database, time);
        var schedules = new ScheduleStore(db.Database, time);

        // 12:00+02:00 is 10:00 UTC; the next heartbeat, 10:00:30 UTC, is the newer one whatever the offsets.
        var east = Heartbeat(T0.ToOffset(TimeSpan.FromHours(2)), "1.0.0", backlog: 1);
        await agents.RecordHeartbeatAsync(east, CancellationToken.None);
        await schedules.RecordAgentStatusAsync(east, CancellationToken.None);
        Assert.Equal(T0, (await agents.GetAsync("agent-9", CancellationToken.None))!.LastHeartbeatAt);
        Assert.Equal(T0, Assert.Single(await schedules.ListAgentStatusAsync("home-42", CancellationToken.None)).ReportedAt);

        var later = Heartbeat(T0.AddSeconds(30), "1.1.0", backlog: 0) with { AppliedScheduleVersion = 2 };
        await agents.RecordHeartbeatAsync(later, CancellationToken.None);
        await schedules.RecordAgentStatusAsync(later, CancellationToken.None);
        var agent = await agents.GetAsync("agent-9", CancellationToken.None);
        Assert.Equal("1.1.0", agent!.AgentVersion);
        Assert.Equal(T0.AddSeconds(30), agent.LastHeartbeatAt);
        var status = Assert.Single(await schedules.ListAgentStatusAsync("home-42", CancellationToken.None));
        Assert.Equal(2, status.AppliedVersion);
        Assert.Equal(T0.AddSeconds(30), status.ReportedAt);
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Sites_are_created_once(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        var sites = new SiteStore(db.Database, new FakeTimeProvider(T0));

        Assert.True(await sites.CreateAsync("berlin", "Berlin office", "Europe/Berlin", CancellationToken.None));
        Assert.False(await sites.CreateAsync("berlin", "Again", "UTC", CancellationToken.None));

        var site = await sites.GetAsync("berlin", CancellationToken.None);
        Assert.NotNull(site);
        Assert.Equal(("Berlin office", "Europe/Berlin", T0), (site.Name, site.TimeZone, site.CreatedAt));
    }

    [Theory]
    [InlineData(StorageDialect.Sqlite)]
    [InlineData(StorageDialect.PostgreSql)]
    public async Task Migrating_again_changes_nothing(StorageDialect dialect)
    {
        await using var db = await TestDatabase.CreateAsync(dialect);
        await new SiteStore(db.Database, TimeProvider.System).CreateAsync("keep", "Keep me", "UTC", CancellationToken.None);

        DatabaseMigrator.Migrate(dialect, db.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.NotNull(await new SiteStore(db.Database, TimeProvider.System).GetAsync("keep", CancellationToken.None));
    }

    private static AgentHeartbeatSent Heartbeat(DateTimeOffset sentAt, string version, long backlog) => new()
    {
        SchemaVersion = 1,
        AgentId = "agent-9",
        SiteId = "home-42",
        SentAt = sentAt,
        AgentVersion = version,
        Hostname = "pc-9",
        ScheduledProbes = 4,
        OutboxBacklog = backlog,
    };
}
