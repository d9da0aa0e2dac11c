using Dapper;
using FleetMonitor.Storage;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>The end of every fault test: every result stored exactly once, nothing in an error queue, nothing unacknowledged.</summary>
public static class PipelineAssertions
{
    public static Task AssertEveryResultStoredOnceAsync(
        RabbitMqVhost vhost, AgentSide agent, Database database, IReadOnlyCollection<Guid> published, Func<Task<string>> diagnose) =>
        AssertEveryResultStoredOnceAsync(vhost, () => agent.Outbox.CountAsync(CancellationToken.None), database, published, diagnose);

    /// <summary>As above, for an agent whose outbox depth <paramref name="outboxDepth"/> reads (e.g. an agent process's file).</summary>
    public static async Task AssertEveryResultStoredOnceAsync(
        RabbitMqVhost vhost, Func<Task<long>> outboxDepth, Database database, IReadOnlyCollection<Guid> published, Func<Task<string>> diagnose)
    {
        async Task<long> Stored()
        {
            try
            {
                await using var db = await database.OpenAsync(CancellationToken.None);
                return await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM probe_results");
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException)
            {
                return -1;
            }
        }

        await Eventually.WaitAsync(outboxDepth, n => n == 0, TimeSpan.FromSeconds(180), "the agent's outbox draining", diagnose);
        await Eventually.WaitAsync(Stored, n => n >= published.Count, TimeSpan.FromSeconds(180), $"all {published.Count} results stored", diagnose);
        foreach (var queue in new[] { "ingestion-results", "ingestion-result-batches", "ingestion-heartbeats" })
        {
            await Eventually.WaitAsync(() => vhost.QueueDepthAsync(queue), n => n == 0, TimeSpan.FromSeconds(60), $"{queue} draining", diagnose);
        }

        // Redeliveries still in flight would show as unacknowledged; none may be left.
        await Eventually.WaitAsync(vhost.UnacknowledgedAsync, n => n == 0, TimeSpan.FromSeconds(60), "no message left unacknowledged", diagnose);

        await using var connection = await database.OpenAsync(CancellationToken.None);
        var stored = (await connection.QueryAsync<Guid>("SELECT id FROM probe_results")).ToList();
        Assert.Equal(published.Count, stored.Count);
        Assert.Equal(published.Order(), stored.Order());
        foreach (var queue in new[] { "ingestion-results_error", "ingestion-result-batches_error", "ingestion-heartbeats_error" })
        {
            Assert.Equal(0u, await vhost.QueueDepthAsync(queue));
        }
    }
}
