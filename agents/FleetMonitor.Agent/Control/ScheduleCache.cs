using System.Text.Json;
using FleetMonitor.Contracts;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Control;

/// <summary>
/// The last applied site schedule on disk, so that an agent restarted while the broker is unreachable runs it at once.
/// Written to a temporary file and moved over the old one: a crash leaves the old or the new, never half of one.
/// </summary>
public sealed class ScheduleCache(IOptions<AgentOptions> options)
{
    private string Path => options.Value.Control.ScheduleCachePath;

    public async Task<SiteScheduleChanged?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        await using var stream = File.OpenRead(Path);
        return await JsonSerializer.DeserializeAsync(stream, ControlJsonContext.Default.SiteScheduleChanged, cancellationToken);
    }

    public async Task SaveAsync(SiteScheduleChanged schedule, CancellationToken cancellationToken)
    {
        var full = System.IO.Path.GetFullPath(Path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await JsonSerializer.SerializeAsync(stream, schedule, ControlJsonContext.Default.SiteScheduleChanged, cancellationToken);
        }

        File.Move(temporary, full, overwrite: true);
    }
}
