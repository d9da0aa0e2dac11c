using System.Text;
using System.Text.Json;
using FleetMonitor.Contracts;
using FleetMonitor.EndToEnd.Support;
using FleetMonitor.Ingestion;
using FleetMonitor.Storage;
using FleetMonitor.Storage.Tests;
using RabbitMQ.Client;

namespace FleetMonitor.EndToEnd.Pipeline;

/// <summary>Bad input loses nothing: each invalid message lands in the error queue, is counted, and consuming goes on.</summary>
public sealed class InvalidMessageTests
{
    [Fact]
    public async Task Invalid_messages_go_to_the_error_queue_are_counted_and_valid_ones_are_still_stored()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        var malformedBefore = IngestionMetrics.RejectedCount("ingestion-results", "malformed");
        var invalidBefore = IngestionMetrics.RejectedCount("ingestion-results", "invalid");

        var now = TimeProvider.System.GetUtcNow();
        var valid = JsonSerializer.Serialize(Valid(now), WireFormat.Options);
        string[] malformed =
        [
            "{ this is not json",
            valid.Replace("\"durationMs\":12", "\"durationMs\":\"twelve\"", StringComparison.Ordinal),
            valid.Replace("\"outcome\":\"ok\"", "\"outcome\":\"splendid\"", StringComparison.Ordinal),
            RemoveProperty(valid, "agentId"),
        ];
        string[] invalid =
        [
            valid.Replace("\"schemaVersion\":1", "\"schemaVersion\":99", StringComparison.Ordinal),
            JsonSerializer.Serialize(Valid(now) with { Findings = ["Not A Finding!"] }, WireFormat.Options),
            JsonSerializer.Serialize(Valid(now) with { Id = Guid.NewGuid() }, WireFormat.Options),
        ];
        Assert.All(malformed.Concat(invalid), body => Assert.NotEqual(valid, body));

        await using (var connection = await vhost.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            foreach (var body in malformed.Concat(invalid).Append(valid))
            {
                await channel.BasicPublishAsync(
                    WireFormat.AgentExchange, "result.site-e2e.tcp", mandatory: true,
                    new BasicProperties { Persistent = true, ContentType = "application/json" }, Encoding.UTF8.GetBytes(body));
            }
        }

        var errorCount = malformed.Length + invalid.Length;
        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("ingestion-results_error"), n => n >= errorCount, TimeSpan.FromSeconds(60), "invalid messages in the error queue");
        await Eventually.WaitAsync(() => ingestion.Results.CountAsync(CancellationToken.None), n => n == 1, TimeSpan.FromSeconds(60), "the valid message stored");

        Assert.Equal((uint)errorCount, await vhost.QueueDepthAsync("ingestion-results_error"));
        Assert.Equal(malformed.Length, IngestionMetrics.RejectedCount("ingestion-results", "malformed") - malformedBefore);
        Assert.Equal(invalid.Length, IngestionMetrics.RejectedCount("ingestion-results", "invalid") - invalidBefore);

        // Agents are no MassTransit senders and nobody subscribes to Fault<T> of their messages: the rejected ones were
        // not published again as faults (MassTransit would have made a fault exchange for them).
        Assert.DoesNotContain(await vhost.ExchangeNamesAsync(), name => name.Contains("Fault", StringComparison.Ordinal));

        // The counter is on the service's own /metrics page, as Prometheus scrapes it.
        using var http = new HttpClient { BaseAddress = ingestion.Address };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("fleetmonitor_ingestion_messages_rejected_total{queue=\"ingestion-results\",reason=\"malformed\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_batch_the_valid_results_are_stored_and_the_message_with_the_invalid_one_goes_to_the_error_queue()
    {
        await using var vhost = await RabbitMqVhost.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(StorageDialect.PostgreSql);
        await using var ingestion = await IngestionHost.StartAsync(vhost, database);
        var invalidBefore = IngestionMetrics.RejectedCount("ingestion-result-batches", "invalid");

        var now = TimeProvider.System.GetUtcNow();
        var good = Enumerable.Range(0, 4).Select(i => Valid(now.AddMilliseconds(-i))).ToList();
        var batch = new ProbeResultsBatched
        {
            SchemaVersion = 1,
            AgentId = "agent-e2e",
            SiteId = "site-e2e",
            Results = [good[0], good[1], good[2] with { Findings = ["NOT VALID"] }, good[3]],
        };

        await using (var connection = await vhost.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            await channel.BasicPublishAsync(
                WireFormat.AgentExchange, "results.site-e2e", mandatory: true,
                new BasicProperties { Persistent = true, ContentType = "application/json" }, JsonSerializer.SerializeToUtf8Bytes(batch, WireFormat.Options));
        }

        await Eventually.WaitAsync(() => vhost.QueueDepthAsync("ingestion-result-batches_error"), n => n == 1, TimeSpan.FromSeconds(60), "the batch in the error queue");
        Assert.Equal(3, await ingestion.Results.CountAsync(CancellationToken.None));
        Assert.Equal(1, IngestionMetrics.RejectedCount("ingestion-result-batches", "invalid") - invalidBefore);
    }

    private static ProbeCompleted Valid(DateTimeOffset now) => new()
    {
        SchemaVersion = 1,
        Id = Guid.CreateVersion7(now),
        AgentId = "agent-e2e",
        SiteId = "site-e2e",
        ProbeId = "pbx-tcp",
        ProbeVersion = 1,
        Kind = "tcp",
        Target = "pbx.example.com:5061",
        StartedAt = now,
        DurationMs = 12,
        Outcome = ProbeOutcome.Ok,
    };

    private static string RemoveProperty(string json, string name)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(node.Remove(name));
        return node.ToJsonString();
    }
}
