using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Quartz;

namespace FleetMonitor.Agent.Scheduling;

/// <summary>
/// Builds the Quartz trigger of a definition. Misfire policy: a cron trigger that missed its time (the agent was busy,
/// asleep or stopped) does not catch up but waits for its next time; an interval trigger skips the runs it missed and
/// keeps its rhythm. An interval's first run is spread by a stable per-agent splay.
/// </summary>
public static class ProbeTriggers
{
    public static ITrigger Build(ProbeDefinitionOptions definition, JobKey job, string agentId, TimeSpan maxSplay, DateTimeOffset now)
    {
        var trigger = TriggerBuilder.Create().WithIdentity(job.Name, job.Group).ForJob(job);
        if (!string.IsNullOrWhiteSpace(definition.Cron))
        {
            trigger = trigger.WithCronSchedule(definition.Cron, c => c
                .InTimeZone(TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone))
                .WithMisfireHandlingInstructionDoNothing());
        }
        else
        {
            var interval = TimeSpan.FromSeconds(definition.IntervalSeconds ?? throw new ArgumentException($"Probe {definition.Id} has neither an interval nor a cron expression", nameof(definition)));
            trigger = trigger
                .StartAt(now + Splay(agentId, definition.Id, interval, maxSplay))
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount());
        }

        return trigger.Build();
    }

    /// <summary>A stable offset per agent and probe, so that a fleet does not probe the PBX in the same second.</summary>
    public static TimeSpan Splay(string agentId, string probeId, TimeSpan interval, TimeSpan maxSplay)
    {
        var window = TimeSpan.FromTicks(Math.Min(interval.Ticks, maxSplay.Ticks));
        if (window <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var hash = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(agentId + "/" + probeId)));
        return TimeSpan.FromMilliseconds(hash % (ulong)window.TotalMilliseconds);
    }
}
