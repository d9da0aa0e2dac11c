using FleetMonitor.Alerting.Policies;
using FleetMonitor.Api.Tests.Access;
using FleetMonitor.Contracts;
using FleetMonitor.Storage;

namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>
/// One Api on Kestrel and one Chromium for the browser tests, over a fleet with a broken, an exposed, an offline and a
/// hostile (markup in its id) agent at site home-carol, besides the seeded ones, a local user per role, a firing alert
/// for the broken and for the exposed agent, and a real OpenID Connect provider whose accounts' groups map to the roles.
/// </summary>
public sealed class DashboardBrowserFixture : IAsyncLifetime
{
    public const string Password = "browser test password";
    public const string FreshSite = "home-carol";
    public const string ExposedAgent = "agent-carol-pc";
    public const string BrokenAgent = "agent-dave-pc";
    public const string OfflineAgent = "agent-erin-pc";
    public const string HostileAgent = "<img src=x onerror=document.title='pwned'>";

    /// <summary>The provider's accounts and their groups: one per role, one in no mapped group, one named like a local user.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> OidcAccounts = new Dictionary<string, string[]>
    {
        ["oidc-viewer"] = ["noc-staff"],
        // Several groups: the highest role wins.
        ["oidc-operator"] = ["noc-staff", "noc-operators"],
        ["oidc-admin"] = ["noc-admins"],
        ["oidc-outsider"] = ["marketing"],
        ["noc-admin"] = ["noc-admins"],
    };

    private TestDatabase? _database;
    private BrowserSession? _browser;
    private OidcProvider? _oidc;

    public Guid BrokenAlert { get; private set; }

    public Guid ExposedAlert { get; private set; }

    public BrowserSession Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var now = TimeProvider.System.GetUtcNow();
        var results = new List<ProbeCompleted>
        {
            SeedData.Result(Guid.CreateVersion7(now), ExposedAgent, FreshSite, "exposure", "exposure", "reflector.example.net:443", now.AddSeconds(-20),
                ProbeOutcome.Degraded, new Dictionary<string, double> { ["ports_open"] = 1 }, ["exposure.open.5060/udp"])
                with { Facts = new Dictionary<string, string> { ["public_address"] = "198.51.100.77" } },
            // The network facts of the breakdown: dave behind a symmetric NAT in the same /24 as carol, carol's router by UPnP.
            SeedData.Result(Guid.CreateVersion7(now), BrokenAgent, FreshSite, "nat", "nat", "reflector.example.net:3478", now.AddSeconds(-30),
                ProbeOutcome.Ok, new Dictionary<string, double> { ["binding_lifetime_s"] = 30 }, [])
                with { Facts = new Dictionary<string, string> { ["nat_type"] = "symmetric", ["mapped_address"] = "198.51.100.23:40000" } },
            SeedData.Result(Guid.CreateVersion7(now), ExposedAgent, FreshSite, "upnp", "upnp", "ssdp", now.AddSeconds(-30),
                ProbeOutcome.Ok, new Dictionary<string, double> { ["mappings_count"] = 0 }, [])
                with { Facts = new Dictionary<string, string> { ["igd_name"] = "FRITZ!Box 7590", ["external_address"] = "198.51.100.77" } },
            SeedData.Result(Guid.CreateVersion7(now), OfflineAgent, FreshSite, "pbx", "tcp", "pbx.example.com:5061", now.AddHours(-1),
                ProbeOutcome.Ok, new Dictionary<string, double> { ["connect_ms"] = 30 }, []),
            // An agent whose id is markup: it must come out as text, not as an element.
            SeedData.Result(Guid.CreateVersion7(now), HostileAgent, FreshSite, "probe-<b>x</b>", "tcp", "<script>alert(1)</script>", now.AddSeconds(-10),
                ProbeOutcome.Failed, new Dictionary<string, double>(), ["<i>finding</i>"]),
        };
        // A media stream that got worse over ten minutes, then failed.
        for (var i = 0; i < 10; i++)
        {
            var at = now.AddMinutes(-10 + i);
            var last = i == 9;
            results.Add(SeedData.Result(Guid.CreateVersion7(at), BrokenAgent, FreshSite, "media", "media", "reflector.example.net:7000", at,
                last ? ProbeOutcome.Failed : ProbeOutcome.Ok,
                last ? new Dictionary<string, double> { ["loss_ratio"] = 1 } : new Dictionary<string, double> { ["mos_plc"] = 4.4 - (i * 0.1), ["loss_ratio"] = i * 0.01, ["rtt_avg_ms"] = 40 + i },
                last ? ["media.no_echo"] : []));
        }

        _database = await TestDatabase.CreateSeededAsync(results);
        var agents = new AgentStore(_database.Open(), TimeProvider.System);
        foreach (var (agent, age) in new[] { (ExposedAgent, TimeSpan.FromSeconds(5)), (BrokenAgent, TimeSpan.FromSeconds(5)), (HostileAgent, TimeSpan.FromSeconds(5)), (OfflineAgent, TimeSpan.FromHours(1)) })
        {
            await agents.RecordHeartbeatAsync(new AgentHeartbeatSent
            {
                SchemaVersion = AgentHeartbeatSent.CurrentSchemaVersion,
                AgentId = agent,
                SiteId = FreshSite,
                SentAt = now - age,
                Hostname = $"{agent}-host",
                AgentVersion = "1.0.0",
                OutboxBacklog = 0,
            }, CancellationToken.None);
        }

        // The fresh agents beat once, at the start: on a loaded machine the collection can outlast the default 3 × 30 s,
        // and they must not turn offline under the tests. Their site's policy allows 3 × 10 min; the offline agent's last
        // beat is an hour old.
        var policy = DefaultPolicy.Create();
        policy.AgentOffline = new AgentOfflineSettings { Enabled = true, HeartbeatIntervalSeconds = 600, MissedHeartbeats = 3 };
        await new PolicyStore(_database.Open(), TimeProvider.System).SaveAsync(FreshSite, PolicyJson.Serialize(policy), "test-setup", null, CancellationToken.None);

        foreach (var role in new[] { "viewer", "operator", "admin" })
        {
            await _database.CreateUserAsync($"noc-{role}", Password, role);
        }

        var alerts = new AlertStore(_database.Open(), TimeProvider.System);
        BrokenAlert = await alerts.OpenAsync(Alert(BrokenAgent, "media", "broken"), [], CancellationToken.None)
            ?? throw new InvalidOperationException("The broken agent's alert was not opened.");
        ExposedAlert = await alerts.OpenAsync(Alert(ExposedAgent, "exposure", "exposed"), [], CancellationToken.None)
            ?? throw new InvalidOperationException("The exposed agent's alert was not opened.");

        _oidc = await OidcProvider.StartAsync(OidcAccounts);
        _browser = await BrowserSession.StartAsync(_database, new Dictionary<string, string>
        {
            ["Access:Oidc:Authority"] = _oidc.Authority,
            ["Access:Oidc:ClientId"] = OidcProvider.ClientId,
            ["Access:Oidc:ClientSecret"] = OidcProvider.ClientSecret,
            ["Access:Oidc:RequireHttpsMetadata"] = "false",
            ["Access:Oidc:RoleClaim"] = OidcProvider.GroupsClaim,
            ["Access:Oidc:Scopes:0"] = OidcProvider.GroupsScope,
            ["Access:Oidc:Roles:noc-staff"] = "viewer",
            ["Access:Oidc:Roles:noc-operators"] = "operator",
            ["Access:Oidc:Roles:noc-admins"] = "admin",
        });
        _oidc.RedirectUri = _browser.Address.TrimEnd('/') + "/signin-oidc";
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        if (_oidc is not null)
        {
            await _oidc.DisposeAsync();
        }

        _database?.Dispose();
    }

    private static NewAlert Alert(string agent, string probe, string alertClass) => new()
    {
        Fingerprint = $"{agent}|{probe}|browser-test",
        Alertname = "FleetMonitorRegression",
        SiteId = FreshSite,
        AgentId = agent,
        ProbeId = probe,
        RuleId = "browser-test",
        Cause = $"{probe} {alertClass}",
        Class = alertClass,
        Severity = "critical",
        Summary = $"{agent} {alertClass}",
        Description = $"{agent} is {alertClass} on {probe}.",
    };
}
