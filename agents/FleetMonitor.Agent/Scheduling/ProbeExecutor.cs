using System.Diagnostics;
using FleetMonitor.Contracts;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>Runs one probe definition under its deadline and turns what it saw into a wire-format result.</summary>
public sealed class ProbeExecutor(ProbeCatalog catalog, TimeProvider timeProvider)
{
    public async Task<ProbeCompleted> RunAsync(string agentId, string siteId, ProbeDefinitionOptions definition, CancellationToken cancellationToken)
    {
        var startedAt = timeProvider.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var timeout = TimeoutOf(definition);
        ProbeObservation observation;
        if (!catalog.TryGet(definition.Kind, out var probe))
        {
            observation = new ProbeObservation { Outcome = ProbeOutcome.Error, Findings = ["probe.unknown_kind"], Error = $"Unknown probe kind '{definition.Kind}'" };
        }
        else
        {
            try
            {
                observation = await probe.RunAsync(
                    new ProbeRequest { Target = definition.Target, Parameters = definition.Parameters, Timeout = timeout },
                    cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A probe must not throw; if one does, report it rather than lose the run.
                observation = new ProbeObservation { Outcome = ProbeOutcome.Error, Findings = ["probe.crashed"], Error = e.Message };
            }
        }

        return new ProbeCompleted
        {
            SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
            Id = Guid.CreateVersion7(startedAt),
            AgentId = agentId,
            SiteId = siteId,
            ProbeId = definition.Id,
            ProbeVersion = definition.Version,
            Kind = definition.Kind,
            Target = definition.Target,
            StartedAt = startedAt,
            DurationMs = DurationMs(Stopwatch.GetElapsedTime(started), timeout),
            Outcome = observation.Outcome,
            Measurements = observation.Measurements,
            Facts = observation.Facts,
            Findings = observation.Findings,
            Error = observation.Error,
        };
    }

    /// <summary>
    /// The run's duration, at most its timeout: a probe reports by its deadline, so time past it is the machine stalling
    /// (suspended, starved) after the probe had decided, not time the probe spent on the network.
    /// </summary>
    public static double DurationMs(TimeSpan elapsed, TimeSpan timeout) =>
        Math.Round((elapsed < timeout ? elapsed : timeout).TotalMilliseconds, 3);

    /// <summary>The definition's timeout, or when it sets none the kind's default (long enough for its default parameters).</summary>
    public static TimeSpan TimeoutOf(ProbeDefinitionOptions definition) =>
        definition.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds)
        : ProbeKindSpecs.All.TryGetValue(definition.Kind, out var spec) ? spec.DefaultTimeout
        : TimeSpan.FromSeconds(10);
}
