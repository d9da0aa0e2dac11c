using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace FleetMonitor.Bench.Ingestion;

/// <summary>Empties Ingestion's error queues and counts, per queue, the messages each purge took (the broker says how many).</summary>
internal sealed class ErrorQueues(IConnection connection)
{
    private readonly Dictionary<string, long> _purged = FuzzCheck.Queues.ToDictionary(q => q + "_error", _ => 0L);

    public IReadOnlyDictionary<string, long> PerQueue => _purged;

    public long Total => _purged.Values.Sum();

    /// <summary>Purges every error queue that exists (MassTransit makes one on its first use); returns how many it took.</summary>
    public async Task<long> PurgeAsync()
    {
        long purged = 0;
        foreach (var queue in _purged.Keys.ToList())
        {
            // A channel per queue: a missing queue closes the channel it was asked on.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                var taken = await channel.QueuePurgeAsync(queue);
                _purged[queue] += taken;
                purged += taken;
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
            }
        }

        return purged;
    }
}
