using FleetMonitor.Storage;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Fleet;

/// <summary>
/// The fleet's version (<see cref="FleetVersionStore"/>) shared by every open live stream: read from the database at
/// most once per half <see cref="FleetOptions.LiveCheckInterval"/>, however many dashboards are open. The read counts
/// every state row, which at 100,000 agents is not something fifty streams should each do every two seconds.
/// </summary>
public sealed class FleetVersionCache(FleetVersionStore versions, TimeProvider timeProvider, IOptions<FleetOptions> options)
{
    private Entry? _last;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && timeProvider.GetElapsedTime(last.ReadAt) < options.Value.LiveCheckInterval / 2)
        {
            return last.Version;
        }

        var readAt = timeProvider.GetTimestamp();
        var version = await versions.GetAsync(cancellationToken);
        Volatile.Write(ref _last, new Entry(version, readAt));
        return version;
    }

    private sealed record Entry(string Version, long ReadAt);
}
