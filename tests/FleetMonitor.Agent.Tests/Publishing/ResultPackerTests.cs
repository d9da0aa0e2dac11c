using System.Text;
using System.Text.Json;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Agent.Publishing;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Tests.Publishing;

public sealed class ResultPackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Runs_of_results_become_batches_and_heartbeats_keep_their_place()
    {
        var messages = new List<OutboxMessage>();
        for (var i = 0; i < 5; i++)
        {
            messages.Add(Result(i));
        }

        messages.Add(new OutboxMessage(99, "heartbeat.home-1", "hb", nameof(AgentHeartbeatSent), Encoding.UTF8.GetBytes("{}")));
        messages.Add(Result(6));

        var packed = ResultPacker.Pack(messages, "agent \"7\"", "home-1", maxResultsPerMessage: 3);

        Assert.Equal(
            [nameof(ProbeResultsBatched), nameof(ProbeResultsBatched), nameof(AgentHeartbeatSent), nameof(ProbeCompleted)],
            packed.Select(m => m.Type));
        var first = JsonSerializer.Deserialize<ProbeResultsBatched>(packed[0].Body.Span, WireFormat.Options)!;
        var second = JsonSerializer.Deserialize<ProbeResultsBatched>(packed[1].Body.Span, WireFormat.Options)!;
        Assert.Equal((1, "agent \"7\"", "home-1"), (first.SchemaVersion, first.AgentId, first.SiteId));
        Assert.Equal(["p0", "p1", "p2"], first.Results.Select(r => r.ProbeId));
        Assert.Equal(["p3", "p4"], second.Results.Select(r => r.ProbeId));
        Assert.Equal("results.home-1", packed[0].RoutingKey);
        Assert.Same(messages[6], packed[3]);
    }

    [Fact]
    public void One_result_per_message_leaves_the_outbox_messages_as_they_are()
    {
        var messages = new[] { Result(0), Result(1) };
        Assert.Same(messages, ResultPacker.Pack(messages, "a", "s", maxResultsPerMessage: 1));
    }

    private static OutboxMessage Result(int i)
    {
        var result = new ProbeCompleted
        {
            SchemaVersion = 1,
            Id = Guid.CreateVersion7(T0.AddSeconds(i)),
            AgentId = "agent \"7\"",
            SiteId = "home-1",
            ProbeId = $"p{i}",
            ProbeVersion = 1,
            Kind = "tcp",
            Target = "pbx:5061",
            StartedAt = T0.AddSeconds(i),
            DurationMs = 1,
            Outcome = ProbeOutcome.Ok,
        };
        return new OutboxMessage(i, $"result.home-1.tcp", result.Id.ToString(), nameof(ProbeCompleted), JsonSerializer.SerializeToUtf8Bytes(result, WireFormat.Options));
    }
}
