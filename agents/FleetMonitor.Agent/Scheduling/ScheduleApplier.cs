using FleetMonitor.Agent.Control;
using FleetMonitor.Agent.Hosting;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>
/// Applies a site schedule to the running Quartz scheduler, without a restart: jobs of definitions that are new or
/// changed are (re)scheduled, jobs of definitions no longer listed are deleted, unchanged ones keep their triggers. A
/// schedule with any invalid definition is refused whole and the previous one keeps running; a schedule not newer
/// than the one running is ignored.
/// </summary>
public sealed partial class ScheduleApplier(
    ISchedulerFactory schedulerFactory,
    ActiveProbes active,
    ScheduleStatus status,
    ProbeCatalog catalog,
    IOptions<AgentOptions> options,
    TimeProvider timeProvider,
    ILogger<ScheduleApplier> logger) : IDisposable
{
    /// <summary>The Quartz group of the site schedule's probes.</summary>
    public const string SiteGroup = "site";

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Applies <paramref name="schedule"/>; true when it now runs, false when it was older or invalid (see <see cref="ScheduleStatus"/>).</summary>
    public async Task<bool> ApplyAsync(SiteScheduleChanged schedule, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (status.AppliedVersion is { } running && schedule.Version <= running)
            {
                return false;
            }

            var agent = options.Value;
            var errors = new List<string>();
            if (schedule.SiteId != agent.SiteId)
            {
                errors.Add($"the schedule is for site '{schedule.SiteId}', this agent is at '{agent.SiteId}'");
            }

            var definitions = new List<ProbeDefinitionOptions>();
            foreach (var probe in schedule.Probes ?? [])
            {
                var definition = ToDefinition(probe, agent);
                var error = Check(definition);
                if (error is not null)
                {
                    errors.Add($"{probe.Id}: {error}");
                }

                definitions.Add(definition);
            }

            foreach (var duplicate in definitions.GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                errors.Add($"{duplicate.Key}: listed twice");
            }

            if (errors.Count > 0)
            {
                status.Failed(schedule.Version, string.Join("; ", errors));
                LogRefused(schedule.Version, status.Error!);
                return false;
            }

            var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
            var now = timeProvider.GetUtcNow();
            var wanted = definitions.ToDictionary(d => new JobKey(d.Id, SiteGroup));
            foreach (var key in active.KeysOf(SiteGroup).Where(k => !wanted.ContainsKey(k)))
            {
                await scheduler.DeleteJob(key, cancellationToken);
                active.Remove(key);
                LogRemoved(key.Name);
            }

            foreach (var (key, definition) in wanted)
            {
                if (active.TryGet(key, out var current) && Same(current, definition))
                {
                    continue;
                }

                // The definition is swapped before the trigger so that a run starting in between already uses the new one.
                active.Set(key, definition);
                var job = AgentJobs.Define<ProbeJob>(key);
                await scheduler.ScheduleJob(job, [ProbeTriggers.Build(definition, key, agent.AgentId, agent.MaxSplay, now)], replace: true, cancellationToken);
                LogScheduled(definition.Id, definition.Version, definition.Kind, definition.Target);
            }

            status.Applied(schedule.Version);
            LogApplied(schedule.Version, definitions.Count);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>The definition as the probe runs it; a nat or exposure probe gets the agent's Reflector credential when it has one.</summary>
    public static ProbeDefinitionOptions ToDefinition(ScheduledProbe probe, AgentOptions agent) =>
        ReflectorCredentialOptions.Apply(
            new ProbeDefinitionOptions
            {
                Id = probe.Id,
                Version = probe.Version,
                Kind = probe.Kind,
                Target = probe.Target,
                IntervalSeconds = probe.IntervalSeconds,
                Cron = probe.Cron,
                TimeZone = probe.TimeZone,
                TimeoutSeconds = probe.TimeoutSeconds,
                Parameters = new Dictionary<string, string>(probe.Parameters ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            },
            agent.Reflector);

    private string? Check(ProbeDefinitionOptions definition)
    {
        if (string.IsNullOrWhiteSpace(definition.Id) || definition.Id.Length > 128)
        {
            return "an id is required";
        }

        if (!catalog.TryGet(definition.Kind, out _))
        {
            return $"'{definition.Kind}' is not a probe kind this agent has ({string.Join(", ", catalog.Kinds)})";
        }

        if (definition.TimeoutSeconds is < 1 or > 600)
        {
            return "timeoutSeconds must be from 1 to 600";
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(definition.TimeZone ?? "", out _))
        {
            return $"'{definition.TimeZone}' is not a time zone this agent knows";
        }

        if (string.IsNullOrWhiteSpace(definition.Cron) == definition.IntervalSeconds is null)
        {
            return "exactly one of intervalSeconds and cron is needed";
        }

        if (definition.IntervalSeconds is < 1 or > 86_400)
        {
            return "intervalSeconds must be from 1 to 86400";
        }

        return definition.Cron is { Length: > 0 } cron && !CronExpression.IsValidExpression(cron) ? $"'{cron}' is not a Quartz cron expression" : null;
    }

    private static bool Same(ProbeDefinitionOptions a, ProbeDefinitionOptions b) =>
        a.Version == b.Version && a.Kind == b.Kind && a.Target == b.Target && a.IntervalSeconds == b.IntervalSeconds && a.Cron == b.Cron
        && a.TimeZone == b.TimeZone && a.TimeoutSeconds == b.TimeoutSeconds
        && a.Parameters.Count == b.Parameters.Count && a.Parameters.All(p => b.Parameters.TryGetValue(p.Key, out var v) && v == p.Value);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site schedule version {Version} refused, the previous one keeps running: {Error}")]
    private partial void LogRefused(long version, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Site schedule version {Version} applied ({Count} probes)")]
    private partial void LogApplied(long version, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe {ProbeId} removed from the schedule")]
    private partial void LogRemoved(string probeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled probe {ProbeId} v{Version} ({Kind} {Target})")]
    private partial void LogScheduled(string probeId, int version, string kind, string target);
}
