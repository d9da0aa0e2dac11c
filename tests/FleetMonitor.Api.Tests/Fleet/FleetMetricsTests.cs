using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FleetMonitor.Alerting;
using FleetMonitor.Api.Fleet;
using FleetMonitor.ServiceDefaults;
using FleetMonitor.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace FleetMonitor.Api.Tests.Fleet;

/// <summary><c>fleetmonitor_fleet_agents{site, class}</c> counts the seeded fleet as the overview classifies it.</summary>
public sealed class FleetMetricsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Agents_are_counted_per_site_and_class_and_turn_offline_when_their_results_stop()
    {
        var registry = Metrics.NewCustomRegistry();
        // Just after the seeded results: bob's pc failed its pbx probe (broken), alice's pc is degraded, bob's laptop ok.
        var time = new FakeTimeProvider(SeedData.Start.AddMinutes(31));
        var services = fixture.Factory.Services;
        using var reader = new FleetOverviewReader(
            services.GetRequiredService<SiteStore>(), services.GetRequiredService<AgentStore>(), services.GetRequiredService<StateStore>(),
            new SiteOfflineSettings(services.GetRequiredService<PolicyStore>(), time, services.GetRequiredService<IOptions<AlertingOptions>>(), NullLogger<SiteOfflineSettings>.Instance),
            time);
        using var metrics = new FleetAgentMetrics(Metrics.WithCustomRegistry(registry), reader.ReadAsync);

        await metrics.RefreshAsync(CancellationToken.None);
        var now = await SeriesAsync(registry);
        Assert.Equal(1, now[(SeedData.BobSite, FleetClass.Broken)]);
        Assert.Equal(1, now[(SeedData.BobSite, FleetClass.Ok)]);
        Assert.Equal(0, now[(SeedData.BobSite, FleetClass.Offline)]);
        Assert.Equal(1, now[(SeedData.AliceSite, FleetClass.Degraded)]);
        Assert.Equal(0, now[(SeedData.AliceSite, FleetClass.Broken)]);

        // An hour later nobody has reported: every agent is offline, and nothing is counted broken any more.
        time.Advance(TimeSpan.FromHours(1));
        await metrics.RefreshAsync(CancellationToken.None);
        var later = await SeriesAsync(registry);
        Assert.Equal(2, later[(SeedData.BobSite, FleetClass.Offline)]);
        Assert.Equal(0, later[(SeedData.BobSite, FleetClass.Broken)]);
        Assert.Equal(1, later[(SeedData.AliceSite, FleetClass.Offline)]);
        Assert.All(later.Keys, k => Assert.DoesNotContain("agent", k.Site, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_page_is_anonymous_has_the_fleet_gauges_and_no_private_runtime_series()
    {
        using var client = fixture.CreateAnonymousClient();
        string text = "";
        for (var i = 0; i < 120 && !text.Contains("fleetmonitor_fleet_agents{", StringComparison.Ordinal); i++)
        {
            if (i > 0)
            {
                await Task.Delay(500);
            }

            var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("fleetmonitor_fleet_agents{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("private_internaldiagnostics", text, StringComparison.Ordinal);
        Assert.False(ServiceDefaultsExtensions.IsPublicMeter("Private.InternalDiagnostics.System.Net.Quic"));
        Assert.True(ServiceDefaultsExtensions.IsPublicMeter("System.Net.Http"));
    }

    private static async Task<Dictionary<(string Site, string Class), double>> SeriesAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Regex.Matches(Encoding.UTF8.GetString(stream.ToArray()), @"^fleetmonitor_fleet_agents\{site=""([^""]+)"",class=""([^""]+)""\} (\S+)$", RegexOptions.Multiline)
            .ToDictionary(m => (m.Groups[1].Value, m.Groups[2].Value), m => double.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
