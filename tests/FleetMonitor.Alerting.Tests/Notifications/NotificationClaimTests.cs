using Dapper;
using FleetMonitor.Alerting.Notifications;
using FleetMonitor.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Alerting.Tests.Notifications;

/// <summary>The notification outbox on PostgreSQL: one alert's posts to one channel are claimed one at a time, in order.</summary>
public sealed class NotificationClaimTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_resolve_committed_after_a_later_refresh_waits_until_that_refresh_is_no_longer_in_flight()
    {
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var alerts = new AlertStore(database.Database, TimeProvider.System);
        var store = new NotificationStore(database.Database, TimeProvider.System);
        string[] channels = [NotificationChannels.Alertmanager];
        var id = await alerts.OpenAsync(Regression("agent-1"), channels, CancellationToken.None);
        var firing = Assert.Single(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
        Assert.Equal("firing", firing.Action);
        await store.MarkDeliveredAsync(firing, CancellationToken.None);

        // A refresh is queued and claimed: the dispatcher has read the alert as firing and is posting it.
        Assert.Equal(1, await store.QueueRefreshAsync(NotificationChannels.Alertmanager, CancellationToken.None));
        var refresh = Assert.Single(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
        Assert.Equal(NotificationStore.RefreshAction, refresh.Action);

        // Meanwhile the resolve commits. Its transaction had taken its notification id before the refresh was queued,
        // so its id is the lower one (made so here by renumbering it).
        Assert.True(await alerts.ResolveAsync(id!.Value, null, "recovered", channels, CancellationToken.None));
        await using (var db = await database.Database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(1, await db.ExecuteAsync("UPDATE alert_notifications SET id = @Low WHERE alert_id = @Id AND action = 'resolved'", new { Low = refresh.Id - 1_000_000, Id = id }));
        }

        // While the refresh is in flight the resolve is not handed out (it would be posted before the refresh lands).
        Assert.Empty(await store.ClaimDueAsync(10, Lease, CancellationToken.None));

        // Once the refresh is done, the resolve goes; nothing else of the alert is left to post after it.
        await store.MarkDeliveredAsync(refresh, CancellationToken.None);
        var resolved = Assert.Single(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
        Assert.Equal(("resolved", id), (resolved.Action, resolved.AlertId));
        await store.MarkDeliveredAsync(resolved, CancellationToken.None);
        Assert.Equal(0, await store.QueueRefreshAsync(NotificationChannels.Alertmanager, CancellationToken.None));
        Assert.Empty(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
    }

    [Fact]
    public async Task A_delivery_whose_lease_ran_out_is_taken_over_and_holds_back_the_next_one_again()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        var alerts = new AlertStore(database.Database, clock);
        var store = new NotificationStore(database.Database, clock);
        string[] channels = [NotificationChannels.Alertmanager];
        var id = await alerts.OpenAsync(Regression("agent-2"), channels, CancellationToken.None);
        var firing = Assert.Single(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
        Assert.True(await alerts.ResolveAsync(id!.Value, null, "recovered", channels, CancellationToken.None));
        Assert.Empty(await store.ClaimDueAsync(10, Lease, CancellationToken.None));

        // The replica that claimed the page died: after its lease the page is taken over, and the resolve still waits.
        clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var takenOver = Assert.Single(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
        Assert.Equal(firing.Id, takenOver.Id);
        Assert.Empty(await store.ClaimDueAsync(10, Lease, CancellationToken.None));
        await store.MarkDeliveredAsync(takenOver, CancellationToken.None);
        Assert.Equal("resolved", Assert.Single(await store.ClaimDueAsync(10, Lease, CancellationToken.None)).Action);
    }

    private static NewAlert Regression(string agentId) => new()
    {
        Fingerprint = $"{agentId}|pbx-tcp|tcp-path", Alertname = "FleetMonitorRegression", SiteId = "site-a", AgentId = agentId,
        ProbeId = "pbx-tcp", RuleId = "tcp-path", Cause = "tcp-path", Class = "broken", Severity = "critical",
        Summary = "s", Description = "d",
    };
}
