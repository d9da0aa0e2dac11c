using Dapper;
using FleetMonitor.Contracts;
using FleetMonitor.Ingestion.Identity;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>The schedule status a heartbeat reports is held to the heartbeat's rules, its <c>sentAt</c> window first.</summary>
public sealed class ScheduleStatusTests
{
    [Fact]
    public async Task A_heartbeat_from_the_far_future_is_refused_and_does_not_freeze_the_schedule_status()
    {
        await using var db = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var services = new ServiceCollection()
            .AddSingleton(db.Database)
            .AddSingleton(TimeProvider.System)
            .AddSingleton<ScheduleStore>()
            .AddSingleton<EnrolmentStore>()
            .AddSingleton<AgentIdentityCheck>()
            .AddSingleton(Options.Create(new AgentIdentityOptions()))
            .AddSingleton(Options.Create(new IngestionOptions()))
            .AddLogging()
            .AddMassTransitTestHarness(x =>
            {
                x.AddConsumer<AgentScheduleStatusConsumer>();
                x.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(2));
            })
            .BuildServiceProvider(true);
        var harness = services.GetRequiredService<ITestHarness>();
        await harness.Start();

        var now = TimeProvider.System.GetUtcNow();
        var heartbeat = new AgentHeartbeatSent
        {
            SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion, AgentId = "agent-s1", SiteId = "site-a", AgentVersion = "1.0.0",
            AppliedScheduleVersion = 7, SentAt = now,
        };

        // The agent's heartbeat, sent now, is recorded as its schedule status; one from a year ahead is refused and
        // does not replace it (the newest reported_at wins, so it would freeze the row).
        await harness.Bus.Publish(heartbeat with { SentAt = now });
        await harness.Bus.Publish(heartbeat with { SentAt = now.AddYears(1), AppliedScheduleVersion = 99 });
        var consumer = harness.GetConsumerHarness<AgentScheduleStatusConsumer>();
        Assert.True(await consumer.Consumed.Any<AgentHeartbeatSent>(c => c.Context.Message.AppliedScheduleVersion == 7));
        Assert.True(await consumer.Consumed.Any<AgentHeartbeatSent>(c => c.Context.Message.AppliedScheduleVersion == 99));
        Assert.Null(consumer.Consumed.Select<AgentHeartbeatSent>(c => c.Context.Message.AppliedScheduleVersion == 7).Single().Exception);
        var fault = consumer.Consumed.Select<AgentHeartbeatSent>(c => c.Context.Message.AppliedScheduleVersion == 99).Single().Exception;
        Assert.IsType<InvalidMessageException>(fault);
        Assert.Contains("sentAt:", fault.Message, StringComparison.Ordinal);
        await using var connection = await db.Database.OpenAsync(CancellationToken.None);
        var applied = await connection.QuerySingleAsync<long>("SELECT applied_version FROM agent_schedule_status WHERE agent_id = 'agent-s1'");
        Assert.Equal(7, applied);
    }
}
