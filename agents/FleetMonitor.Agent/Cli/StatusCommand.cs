using System.CommandLine;
using System.Globalization;
using FleetMonitor.Agent.Control;
using FleetMonitor.Agent.Outbox;

namespace FleetMonitor.Agent.Cli;

/// <summary><c>status [--config FILE]</c>: what waits in the outbox, what was set aside, when the broker last confirmed, which schedule runs.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show the outbox depth, dead letters, evictions, the last successful publish and the applied schedule version")
        {
            AgentCommandLine.Config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var (configuration, errors) = AgentConfiguration.Load(parse.GetValue(AgentCommandLine.Config));
            if (configuration is null)
            {
                return await AgentConfiguration.ReportAsync(errors, parse.InvocationConfiguration.Error);
            }

            var options = configuration.Options;
            var path = Path.GetFullPath(options.OutboxPath);
            await output.WriteLineAsync(Line("agent", $"{options.AgentId} (site {options.SiteId})"));
            await output.WriteLineAsync(Line("configuration", configuration.Path ?? "environment variables only"));
            if (!File.Exists(path))
            {
                await output.WriteLineAsync(Line("outbox", $"{path} does not exist yet: the agent has not run with this configuration"));
                return ExitCodes.NotOk;
            }

            using var outbox = new ResultOutbox(path, TimeProvider.System, options.OutboxMaxMessages, options.DeadLetterMaxMessages);
            var status = await outbox.StatusAsync(cancellationToken);
            var schedule = await new ScheduleCache(Microsoft.Extensions.Options.Options.Create(options)).LoadAsync(cancellationToken);
            await output.WriteLineAsync(Format(status, path, schedule?.Version, options.Probes.Count, TimeProvider.System.GetUtcNow()));
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static string Format(OutboxStatus status, string path, long? scheduleVersion, int configuredProbes, DateTimeOffset now) => string.Join(
        Environment.NewLine,
        Line("outbox", path),
        Line("outbox depth", status.Depth == 0 ? "0 (nothing waiting)" : $"{status.Depth} waiting, oldest from {When(status.OldestEnqueuedAt, now)}"),
        Line("last successful publish", status.LastPublishedAt is null ? "never" : When(status.LastPublishedAt, now)),
        Line("dead letters", status.DeadLetters == 0 ? "0" : $"{status.DeadLetters} kept aside (refused by the broker; last reason: {status.LastDeadLetterReason})"),
        Line("evicted (size cap)", status.EvictedTotal.ToString(CultureInfo.InvariantCulture)),
        Line("applied schedule", scheduleVersion is { } version ? $"site schedule version {version} (from the server)" : $"local configuration only ({configuredProbes} probes)"));

    private static string When(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } time)
        {
            return "-";
        }

        var age = now - time;
        var ago = age.TotalMinutes < 1 ? $"{Math.Max(0, (int)age.TotalSeconds)} s ago"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} days ago";
        return $"{time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC ({ago})";
    }

    private static string Line(string name, string value) => $"{name,-26} {value}";
}
