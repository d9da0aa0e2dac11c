using FleetMonitor.Alerting;
using FleetMonitor.Alerting.Policies;
using FleetMonitor.Api.Fleet;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary>
/// The fleet view calls an agent offline exactly when alerting does: its site's policy's missed heartbeats × interval
/// (3 × 30 s by default, none when the check is off), from its last heartbeat or, lacking one, its last result; asked of
/// alerting's own policy provider, agent by agent, on both sides of each threshold.
/// </summary>
public sealed class FleetOfflineRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_agent_is_shown_offline_exactly_when_its_sites_policy_makes_alerting_call_it_offline()
    {
        using var database = await TestDatabase.CreateSeededAsync();
        var time = new FakeTimeProvider(Now);
        var db = database.Open();
        var policies = new PolicyStore(db, time);
        await SavePolicyAsync(policies, "off-fast", new AgentOfflineSettings { Enabled = true, HeartbeatIntervalSeconds = 10, MissedHeartbeats = 2 });
        await SavePolicyAsync(policies, "off-slow", new AgentOfflineSettings { HeartbeatIntervalSeconds = 120, MissedHeartbeats = 5 });
        await SavePolicyAsync(policies, "off-never", new AgentOfflineSettings { Enabled = false });
        // A site with a policy that says nothing of agents: the defaults, as for a site without a policy.
        var silent = DefaultPolicy.Create();
        silent.AgentOffline = null;
        await policies.SaveAsync("off-unsaid", PolicyJson.Serialize(silent), "test", null, CancellationToken.None);

        // One agent that never beat: heard from when its last result arrived, 200 s ago.
        await new ResultStore(db, new FakeTimeProvider(Now.AddSeconds(-200))).StoreBatchAsync(
            [SeedData.Result(Guid.CreateVersion7(Now), "off-default-results", "off-default", "pbx", "tcp", "pbx.example.com:5061", Now.AddSeconds(-201),
                ProbeOutcome.Ok, new Dictionary<string, double> { ["connect_ms"] = 20 }, [])],
            CancellationToken.None);
        var agents = new AgentStore(db, time);
        (string Site, int Age)[] beats =
        [
            ("off-default", 90), ("off-default", 91), ("off-unsaid", 89), ("off-unsaid", 100),
            ("off-fast", 20), ("off-fast", 21), ("off-fast", 600),
            ("off-slow", 300), ("off-slow", 600), ("off-slow", 601),
            ("off-never", 7200),
        ];
        foreach (var (site, age) in beats)
        {
            await agents.RecordHeartbeatAsync(new AgentHeartbeatSent
            {
                SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
                AgentId = $"{site}-{age}",
                SiteId = site,
                SentAt = Now.AddSeconds(-age),
                Hostname = $"{site}-{age}.example.net",
                AgentVersion = "1.0.0",
                OutboxBacklog = 0,
            }, CancellationToken.None);
        }

        using var reader = new FleetOverviewReader(new SiteStore(db, time), agents, new StateStore(db),
            new SiteOfflineSettings(policies, time, Options.Create(new AlertingOptions()), NullLogger<SiteOfflineSettings>.Instance), time);
        var overview = await reader.ReadAsync(CancellationToken.None);

        var shown = overview.NotOk.Values.Where(a => a.Class == FleetClass.Offline && a.SiteId.StartsWith("off-", StringComparison.Ordinal))
            .Select(a => a.AgentId).Order(StringComparer.Ordinal).ToList();
        var alerting = new PolicyProvider(policies, time, Options.Create(new AlertingOptions()), NullLogger<PolicyProvider>.Instance);
        var called = new List<string>();
        foreach (var site in new[] { "off-default", "off-unsaid", "off-fast", "off-slow", "off-never" })
        {
            var settings = (await alerting.GetAsync(site, CancellationToken.None)).AgentOffline;
            foreach (var agent in await agents.ListAsync(site, CancellationToken.None))
            {
                if (AgentOfflineRule.IsOffline(settings, agent.LastHeartbeatAt ?? agent.LastSeenAt, Now))
                {
                    called.Add(agent.Id);
                }
            }
        }

        Assert.Equal(called.Order(StringComparer.Ordinal), shown);
        Assert.Equal(["off-default-91", "off-default-results", "off-fast-21", "off-fast-600", "off-slow-601", "off-unsaid-100"], shown);
        var tiles = overview.Sites.Where(t => t.SiteId.StartsWith("off-", StringComparison.Ordinal)).ToDictionary(t => t.SiteId, t => (t.Agents, t.Offline, t.Ok));
        Assert.Equal((3, 2, 1), tiles["off-default"]);
        Assert.Equal((3, 2, 1), tiles["off-fast"]);
        Assert.Equal((3, 1, 2), tiles["off-slow"]);
        Assert.Equal((1, 0, 1), tiles["off-never"]);
        Assert.Equal((2, 1, 1), tiles["off-unsaid"]);
    }

    private static async Task SavePolicyAsync(PolicyStore policies, string site, AgentOfflineSettings settings)
    {
        var policy = DefaultPolicy.Create();
        policy.AgentOffline = settings;
        Assert.NotNull(await policies.SaveAsync(site, PolicyJson.Serialize(policy), "test", null, CancellationToken.None));
    }
}
