using FleetMonitor.Agent.Control;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Tests.Control;

public sealed class ScheduleCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fleetmonitor-cache-").FullName;

    [Fact]
    public async Task Saved_schedule_loads_back_whole_and_a_missing_file_is_no_schedule()
    {
        var cache = new ScheduleCache(Options.Create(new AgentOptions { Control = new AgentControlOptions { ScheduleCachePath = Path.Combine(_folder, "sub", "schedule.json") } }));
        Assert.Null(await cache.LoadAsync(CancellationToken.None));
        var schedule = new SiteScheduleChanged
        {
            SchemaVersion = 1,
            SiteId = "home-1",
            Version = 42,
            ChangedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
            Probes =
            [
                new ScheduledProbe { Id = "pbx", Version = 7, Kind = "tcp", Target = "pbx:5061", Cron = "0 * * * * ?", TimeZone = "Europe/Berlin", TimeoutSeconds = 5,
                    Parameters = new Dictionary<string, string> { ["tls"] = "true" } },
            ],
        };

        await cache.SaveAsync(schedule, CancellationToken.None);
        await cache.SaveAsync(schedule with { Version = 43 }, CancellationToken.None);
        var loaded = await cache.LoadAsync(CancellationToken.None);

        Assert.NotNull(loaded);
        Assert.Equal(43, loaded.Version);
        var probe = Assert.Single(loaded.Probes);
        Assert.Equal(("pbx", 7, "0 * * * * ?", "Europe/Berlin", "true"), (probe.Id, probe.Version, probe.Cron, probe.TimeZone, probe.Parameters["tls"]));
        Assert.False(File.Exists(Path.Combine(_folder, "sub", "schedule.json.tmp")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
