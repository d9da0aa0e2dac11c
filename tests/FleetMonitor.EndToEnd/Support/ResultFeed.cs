using FleetMonitor.Agent.Scheduling;
using FleetMonitor.Contracts;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>
/// Keeps putting results into an agent's outbox (a steady load) until stopped, so that a fault injected at any moment
/// lands mid-run: results keep arriving after it. Outcomes change often, so state changes flow too.
/// </summary>
public sealed class ResultFeed : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Guid> _ids = [];
    private readonly Task _task;

    public ResultFeed(AgentMessages messages, int perTick, TimeSpan tick, int max, string agentId = "agent-e2e", string siteId = "site-e2e")
    {
        _task = Task.Run(async () =>
        {
            var i = 0;
            while (!_stop.IsCancellationRequested && i < max)
            {
                var now = TimeProvider.System.GetUtcNow();
                for (var n = 0; n < perTick && i < max; n++, i++)
                {
                    var result = Result(now.AddTicks(n), agentId, siteId, $"probe-{i % 40}", i);
                    await messages.EnqueueAsync(result, CancellationToken.None);
                    lock (_ids)
                    {
                        _ids.Add(result.Id);
                    }
                }

                try
                {
                    await Task.Delay(tick, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public int Count
    {
        get
        {
            lock (_ids)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>Whether the feed ran out (reached its maximum) on its own.</summary>
    public bool Finished => _task.IsCompleted;

    /// <summary>Stops feeding and returns the ids of every result put into the outbox.</summary>
    public async Task<List<Guid>> StopAsync()
    {
        await _stop.CancelAsync();
        await _task;
        lock (_ids)
        {
            return [.. _ids];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _task;
        _stop.Dispose();
    }

    public static ProbeCompleted Result(DateTimeOffset startedAt, string agentId, string siteId, string probeId, int i) => new()
    {
        SchemaVersion = ProbeCompleted.CurrentSchemaVersion,
        Id = Guid.CreateVersion7(startedAt),
        AgentId = agentId,
        SiteId = siteId,
        ProbeId = probeId,
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = startedAt,
        DurationMs = 3.5,
        Outcome = i % 7 == 0 ? ProbeOutcome.Failed : ProbeOutcome.Ok,
        Measurements = new Dictionary<string, double> { ["connect_ms"] = 3.5 },
        Findings = i % 7 == 0 ? ["tcp.refused"] : [],
    };
}
