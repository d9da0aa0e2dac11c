using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Outbox;

/// <summary>
/// The agent's durable outbox (a SQLite file): a result is written here before anything is sent, and deleted only
/// after the broker confirmed it, so an agent offline for a day loses nothing.
/// </summary>
public sealed class ResultOutbox : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TimeProvider _timeProvider;

    public ResultOutbox(IOptions<AgentOptions> options, TimeProvider timeProvider)
        : this(options.Value.OutboxPath, timeProvider)
    {
    }

    public ResultOutbox(string path, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS outbox (
                seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                routing_key TEXT NOT NULL,
                message_id  TEXT NOT NULL,
                type        TEXT NOT NULL,
                body        BLOB NOT NULL,
                created_at  TEXT NOT NULL
            );
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>Durably stores a message and wakes the relay.</summary>
    public async Task EnqueueAsync(string routingKey, string messageId, string type, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO outbox (routing_key, message_id, type, body, created_at) VALUES ($rk, $id, $type, $body, $at)";
        command.Parameters.AddWithValue("$rk", routingKey);
        command.Parameters.AddWithValue("$id", messageId);
        command.Parameters.AddWithValue("$type", type);
        command.Parameters.AddWithValue("$body", body.ToArray());
        command.Parameters.AddWithValue("$at", _timeProvider.GetUtcNow().ToString("O"));
        await command.ExecuteNonQueryAsync(cancellationToken);
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>The oldest messages, in order.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, routing_key, message_id, type, body FROM outbox ORDER BY seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        var messages = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new OutboxMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (byte[])reader.GetValue(4)));
        }

        return messages;
    }

    /// <summary>Removes messages the broker confirmed.</summary>
    public async Task DeleteAsync(IEnumerable<long> sequences, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM outbox WHERE seq = $seq";
        var parameter = command.Parameters.Add("$seq", SqliteType.Integer);
        foreach (var sequence in sequences)
        {
            parameter.Value = sequence;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox";
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L);
    }

    /// <summary>Waits until something is enqueued or the timeout passes.</summary>
    public Task<bool> WaitForMessagesAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
