using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Agent.Outbox;

/// <summary>
/// The agent's durable outbox (a SQLite file): a result is written here before anything is sent, and deleted only
/// after the broker confirmed it, so an agent offline for a day loses nothing. It cannot jam: a message the broker
/// refuses every time is moved to the <c>dead_letter</c> table, and beyond <c>OutboxMaxMessages</c> the oldest are
/// evicted; both are counted in <c>agent_state</c> for the heartbeat and <c>status</c>.
/// </summary>
public sealed class ResultOutbox : IDisposable
{
    private const int SqliteFull = 13;
    private const string EvictedKey = "evicted_total";
    private const string DeadLetteredKey = "dead_lettered_total";
    private const string LastPublishedKey = "last_published_at";

    private readonly string _path;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TimeProvider _timeProvider;
    private readonly int _maxMessages;
    private readonly int _maxDeadLetters;
    private long _depth;

    public ResultOutbox(IOptions<AgentOptions> options, TimeProvider timeProvider)
        : this(options.Value.OutboxPath, timeProvider, options.Value.OutboxMaxMessages, options.Value.DeadLetterMaxMessages)
    {
    }

    public ResultOutbox(string path, TimeProvider timeProvider, int maxMessages = 200_000, int maxDeadLetters = 10_000)
    {
        _path = Path.GetFullPath(path);
        _timeProvider = timeProvider;
        _maxMessages = maxMessages;
        _maxDeadLetters = maxDeadLetters;
        var directory = Path.GetDirectoryName(_path);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path, Pooling = true }.ToString();
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
            CREATE TABLE IF NOT EXISTS dead_letter (
                seq         INTEGER PRIMARY KEY,
                routing_key TEXT NOT NULL,
                message_id  TEXT NOT NULL,
                type        TEXT NOT NULL,
                body        BLOB NOT NULL,
                created_at  TEXT NOT NULL,
                dead_at     TEXT NOT NULL,
                reason      TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS agent_state (
                key   TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );
            """;
        command.ExecuteNonQuery();
        command.CommandText = "SELECT COUNT(*) FROM outbox";
        _depth = (long)(command.ExecuteScalar() ?? 0L);
    }

    /// <summary>The outbox file.</summary>
    public string FilePath => _path;

    /// <summary>Durably stores a message, evicting the oldest beyond the cap, and wakes the relay.</summary>
    /// <exception cref="OutboxFullException">The file system is full; nothing stored before is harmed.</exception>
    public async Task EnqueueAsync(string routingKey, string messageId, string type, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Open();
            await using var transaction = connection.BeginTransaction();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO outbox (routing_key, message_id, type, body, created_at) VALUES ($rk, $id, $type, $body, $at)";
            command.Parameters.AddWithValue("$rk", routingKey);
            command.Parameters.AddWithValue("$id", messageId);
            command.Parameters.AddWithValue("$type", type);
            command.Parameters.AddWithValue("$body", body.ToArray());
            command.Parameters.AddWithValue("$at", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            await command.ExecuteNonQueryAsync(cancellationToken);

            var excess = Interlocked.Read(ref _depth) + 1 - _maxMessages;
            var evicted = 0;
            if (excess > 0)
            {
                await using var evict = connection.CreateCommand();
                evict.Transaction = transaction;
                evict.CommandText = "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT $n)";
                evict.Parameters.AddWithValue("$n", excess);
                evicted = await evict.ExecuteNonQueryAsync(cancellationToken);
                await AddToCounterAsync(connection, transaction, EvictedKey, evicted, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            Interlocked.Add(ref _depth, 1 - evicted);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteFull)
        {
            throw new OutboxFullException(_path, e);
        }

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

    /// <summary>Removes messages the broker confirmed and notes the time of this successful publish.</summary>
    public async Task DeleteAsync(IEnumerable<long> sequences, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM outbox WHERE seq = $seq";
        var parameter = command.Parameters.Add("$seq", SqliteType.Integer);
        var deleted = 0;
        foreach (var sequence in sequences)
        {
            parameter.Value = sequence;
            deleted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await SetStateAsync(connection, transaction, LastPublishedKey, _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Interlocked.Add(ref _depth, -deleted);
    }

    /// <summary>Moves a message the broker keeps refusing to the dead-letter table, so that those behind it go on.</summary>
    public async Task DeadLetterAsync(OutboxMessage message, string reason, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO dead_letter (seq, routing_key, message_id, type, body, created_at, dead_at, reason)
                SELECT seq, routing_key, message_id, type, body, created_at, $at, $reason FROM outbox WHERE seq = $seq;
            DELETE FROM outbox WHERE seq = $seq;
            DELETE FROM dead_letter WHERE seq IN (SELECT seq FROM dead_letter ORDER BY seq DESC LIMIT -1 OFFSET $keep);
            """;
        command.Parameters.AddWithValue("$seq", message.Sequence);
        command.Parameters.AddWithValue("$at", _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$keep", _maxDeadLetters);
        var moved = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        await AddToCounterAsync(connection, transaction, DeadLetteredKey, 1, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (moved)
        {
            Interlocked.Decrement(ref _depth);
        }
    }

    /// <summary>The messages kept aside, oldest first.</summary>
    public async Task<IReadOnlyList<(OutboxMessage Message, string Reason)>> DeadLettersAsync(int max, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, routing_key, message_id, type, body, reason FROM dead_letter ORDER BY seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        var messages = new List<(OutboxMessage, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add((new OutboxMessage(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (byte[])reader.GetValue(4)), reader.GetString(5)));
        }

        return messages;
    }

    public async Task<OutboxStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM outbox), (SELECT MIN(created_at) FROM outbox),
                   (SELECT COUNT(*) FROM dead_letter), (SELECT reason FROM dead_letter ORDER BY seq DESC LIMIT 1);
            SELECT key, value FROM agent_state;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var depth = reader.GetInt64(0);
        var oldest = reader.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        var deadLetters = reader.GetInt64(2);
        var lastReason = reader.IsDBNull(3) ? null : reader.GetString(3);
        await reader.NextResultAsync(cancellationToken);
        var state = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            state[reader.GetString(0)] = reader.GetString(1);
        }

        return new OutboxStatus(
            depth,
            oldest,
            deadLetters,
            lastReason,
            state.TryGetValue(DeadLetteredKey, out var dead) ? long.Parse(dead, CultureInfo.InvariantCulture) : 0,
            state.TryGetValue(EvictedKey, out var evicted) ? long.Parse(evicted, CultureInfo.InvariantCulture) : 0,
            state.TryGetValue(LastPublishedKey, out var published) ? DateTimeOffset.Parse(published, CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Messages waiting, as this process counts them (no query).</summary>
    public long Depth => Interlocked.Read(ref _depth);

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

    private static async Task AddToCounterAsync(SqliteConnection connection, SqliteTransaction transaction, string key, long amount, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO agent_state (key, value) VALUES ($key, $amount)
            ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + $amount AS TEXT)
            """;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$amount", amount);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task SetStateAsync(SqliteConnection connection, SqliteTransaction transaction, string key, string value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO agent_state (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = $value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

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
