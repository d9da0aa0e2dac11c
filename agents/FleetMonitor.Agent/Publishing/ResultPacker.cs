using System.Text;
using FleetMonitor.Agent.Outbox;
using FleetMonitor.Contracts;

namespace FleetMonitor.Agent.Publishing;

/// <summary>
/// Packs runs of waiting results into <see cref="ProbeResultsBatched"/> messages. The results' JSON is copied as it is
/// in the outbox, not serialized again; heartbeats and single results stay as they are.
/// </summary>
public static class ResultPacker
{
    public static IReadOnlyList<OutboxMessage> Pack(IReadOnlyList<OutboxMessage> messages, string agentId, string siteId, int maxResultsPerMessage)
    {
        if (maxResultsPerMessage <= 1)
        {
            return messages;
        }

        var packed = new List<OutboxMessage>();
        var run = new List<OutboxMessage>();
        foreach (var message in messages)
        {
            if (message.Type == nameof(ProbeCompleted))
            {
                run.Add(message);
                if (run.Count == maxResultsPerMessage)
                {
                    Flush();
                }
            }
            else
            {
                Flush();
                packed.Add(message);
            }
        }

        Flush();
        return packed;

        void Flush()
        {
            if (run.Count == 1)
            {
                packed.Add(run[0]);
            }
            else if (run.Count > 1)
            {
                packed.Add(Batch(run, agentId, siteId));
            }

            run.Clear();
        }
    }

    private static OutboxMessage Batch(List<OutboxMessage> results, string agentId, string siteId)
    {
        var head = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":{ProbeResultsBatched.CurrentSchemaVersion},\"agentId\":{Json(agentId)},\"siteId\":{Json(siteId)},\"results\":[");
        var body = new byte[head.Length + results.Sum(r => r.Body.Length + 1) + 1];
        head.CopyTo(body, 0);
        var offset = head.Length;
        for (var i = 0; i < results.Count; i++)
        {
            if (i > 0)
            {
                body[offset++] = (byte)',';
            }

            results[i].Body.Span.CopyTo(body.AsSpan(offset));
            offset += results[i].Body.Length;
        }

        body[offset++] = (byte)']';
        body[offset++] = (byte)'}';

        // The message id is the first result's: the batch is as unique as its first member.
        return new OutboxMessage(results[0].Sequence, $"{WireFormat.BatchRoutingPrefix}.{siteId}", results[0].MessageId, nameof(ProbeResultsBatched), body.AsMemory(0, offset));
    }

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value, WireFormatJsonContext.Default.String);
}
