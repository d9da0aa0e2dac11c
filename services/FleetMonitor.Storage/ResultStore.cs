using System.Data.Common;
using System.Text.Json;
using Dapper;
using FleetMonitor.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace FleetMonitor.Storage;

/// <summary>Stores probe results idempotently and keeps <c>endpoint_state</c>, the latest state per agent and probe.</summary>
public sealed class ResultStore(Database database, StateChangeOutbox outbox, TimeProvider timeProvider)
{
    /// <summary>A store with its own outbox writer (tests and tools that build the store by hand).</summary>
    public ResultStore(Database database, TimeProvider timeProvider)
        : this(database, new StateChangeOutbox(database, timeProvider), timeProvider)
    {
    }

    /// <summary>
    /// Writes a batch in one transaction: results already stored (same id) are skipped, the agents and sites are
    /// recorded, the latest state moves forward, and the changes (outcome or findings differ) are appended to the
    /// state-change outbox. Every write goes in one global key order (result id; site; agent; agent and probe), so
    /// concurrent batches, even with the same rows after a redelivery, wait for each other and never deadlock.
    /// </summary>
    public async Task<StoreBatchResult> StoreBatchAsync(IReadOnlyList<ProbeCompleted> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return new StoreBatchResult(0, 0, []);
        }

        var now = timeProvider.GetUtcNow();
        var rows = results.DistinctBy(r => r.Id).OrderBy(r => r.Id).Select(r => new ResultParameters(r, now)).ToList();

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var inserted = await InsertResultsAsync(connection, transaction, rows, cancellationToken);
        var insertedRows = rows.Where(r => inserted.Contains(r.Id)).ToList();

        await UpsertSitesAndAgentsAsync(connection, transaction, insertedRows, now, cancellationToken);
        var changes = await AdvanceStateAsync(connection, transaction, insertedRows, now, cancellationToken);
        await outbox.AppendAsync(connection, transaction, changes, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return new StoreBatchResult(inserted.Count, results.Count - inserted.Count, changes);
    }

    /// <summary>Results of one agent and probe, newest first, paged by id (UUIDv7, so by time).</summary>
    public async Task<IReadOnlyList<ProbeResultRow>> GetHistoryAsync(
        string agentId, string probeId, Guid? before, int limit, CancellationToken cancellationToken)
    {
        const string Columns = """
            SELECT id AS Id, agent_id AS AgentId, site_id AS SiteId, probe_id AS ProbeId, probe_version AS ProbeVersion,
                   kind AS Kind, target AS Target, started_at AS StartedAt, duration_ms AS DurationMs, outcome AS Outcome,
                   measurements AS Measurements, facts AS Facts, findings AS Findings, error AS Error, received_at AS ReceivedAt
            FROM probe_results
            WHERE agent_id = @AgentId AND probe_id = @ProbeId
            """;
        var sql = before is null
            ? Columns + " ORDER BY id DESC LIMIT @Limit"
            : Columns + " AND id < @Before ORDER BY id DESC LIMIT @Limit";

        await using var connection = await database.OpenAsync(cancellationToken);
        if (connection is NpgsqlConnection postgres)
        {
            // Prepared: planning the scan of every daily partition costs more than running it, and the plan is the same
            // for every agent and probe; a prepared statement is planned once per connection (Npgsql keeps it across the pool).
            await using var command = new NpgsqlCommand(sql, postgres);
            command.Parameters.Add(new NpgsqlParameter<string>("AgentId", agentId));
            command.Parameters.Add(new NpgsqlParameter<string>("ProbeId", probeId));
            command.Parameters.Add(new NpgsqlParameter<int>("Limit", limit));
            if (before is { } beforeId)
            {
                command.Parameters.Add(new NpgsqlParameter<Guid>("Before", beforeId));
            }

            await command.PrepareAsync(cancellationToken);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var parser = reader.GetRowParser<ProbeResultRow>();
            var result = new List<ProbeResultRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(parser(reader));
            }

            return result;
        }

        var rows = await connection.QueryAsync<ProbeResultRow>(new CommandDefinition(
            sql, new { AgentId = agentId, ProbeId = probeId, Before = before ?? Guid.Empty, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>How many results are stored; for tests and the benchmark.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM probe_results", cancellationToken: cancellationToken));
    }

    private static async Task<HashSet<Guid>> InsertResultsAsync(
        DbConnection connection, DbTransaction transaction, List<ResultParameters> rows, CancellationToken cancellationToken)
    {
        if (connection is NpgsqlConnection postgres)
        {
            return await InsertResultsPostgresAsync(postgres, transaction, rows, cancellationToken);
        }
        else
        {
            const string Sql = """
                INSERT INTO probe_results (id, agent_id, site_id, probe_id, probe_version, kind, target, started_at,
                                           duration_ms, outcome, measurements, facts, findings, error, received_at)
                VALUES (@Id, @AgentId, @SiteId, @ProbeId, @ProbeVersion, @Kind, @Target, @StartedAt,
                        @DurationMs, @Outcome, @Measurements, @Facts, @Findings, @Error, @ReceivedAt)
                ON CONFLICT (id) DO NOTHING
                RETURNING id
                """;
            var inserted = new HashSet<Guid>();
            foreach (var row in rows)
            {
                var id = await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(Sql, row, transaction, cancellationToken: cancellationToken));
                if (id is { } value)
                {
                    inserted.Add(value);
                }
            }

            return inserted;
        }
    }

    /// <summary>
    /// PostgreSQL: one prepared statement takes the batch as one array per column and inserts it into
    /// <c>probe_results</c> in id order with <c>ON CONFLICT DO NOTHING</c>, which keeps the idempotency and the global
    /// lock order. It is planned once per pooled connection and creates nothing per batch (a temporary staging table
    /// for a binary COPY cost a catalog write and a drop in every transaction).
    /// </summary>
    private static async Task<HashSet<Guid>> InsertResultsPostgresAsync(
        NpgsqlConnection connection, DbTransaction transaction, List<ResultParameters> rows, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO probe_results (id, agent_id, site_id, probe_id, probe_version, kind, target, started_at, duration_ms,
                                       outcome, measurements, facts, findings, error, received_at)
            SELECT r.id, r.agent_id, r.site_id, r.probe_id, r.probe_version, r.kind, r.target, r.started_at, r.duration_ms,
                   r.outcome, r.measurements::jsonb, r.facts::jsonb, r.findings::jsonb, r.error, @ReceivedAt
            FROM unnest(@Ids, @AgentIds, @SiteIds, @ProbeIds, @ProbeVersions, @Kinds, @Targets, @StartedAts, @DurationMs,
                        @Outcomes, @Measurements, @Facts, @Findings, @Errors)
                 AS r(id, agent_id, site_id, probe_id, probe_version, kind, target, started_at, duration_ms,
                      outcome, measurements, facts, findings, error)
            ORDER BY r.id
            ON CONFLICT (id, started_at) DO NOTHING
            RETURNING id
            """;
        await using var command = new NpgsqlCommand(Sql, connection, (NpgsqlTransaction)transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("Ids", rows.Select(r => r.Id).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("AgentIds", rows.Select(r => r.AgentId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("SiteIds", rows.Select(r => r.SiteId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("ProbeIds", rows.Select(r => r.ProbeId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<int[]>("ProbeVersions", rows.Select(r => r.ProbeVersion).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("Kinds", rows.Select(r => r.Kind).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("Targets", rows.Select(r => r.Target).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("StartedAts", rows.Select(r => r.StartedAt.UtcDateTime).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<double[]>("DurationMs", rows.Select(r => r.DurationMs).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("Outcomes", rows.Select(r => r.Outcome).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("Measurements", rows.Select(r => r.Measurements).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("Facts", rows.Select(r => r.Facts).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("Findings", rows.Select(r => r.Findings).ToArray()));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("Errors", rows.Select(r => r.Error).ToArray()) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("ReceivedAt", rows[0].ReceivedAt.UtcDateTime) { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.PrepareAsync(cancellationToken);

        var inserted = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add(reader.GetGuid(0));
        }

        return inserted;
    }

    private async Task UpsertSitesAndAgentsAsync(
        DbConnection connection, DbTransaction transaction, List<ResultParameters> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        const string SiteSql = """
            INSERT INTO sites (id, name, time_zone, created_at) VALUES (@Id, @Id, 'UTC', @Now)
            ON CONFLICT (id) DO NOTHING
            """;
        var sites = rows.Select(r => r.SiteId).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            // One statement, in key order (unnest keeps the array's order).
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO sites (id, name, time_zone, created_at) SELECT s.id, s.id, 'UTC', @Now FROM unnest(@Ids) AS s(id)
                ON CONFLICT (id) DO NOTHING
                """,
                new { Ids = sites, Now = now.ToUniversalTime() }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            foreach (var site in sites)
            {
                await connection.ExecuteAsync(new CommandDefinition(SiteSql, new { Id = site, Now = now }, transaction, cancellationToken: cancellationToken));
            }
        }

        var agents = rows.DistinctBy(r => r.AgentId).OrderBy(r => r.AgentId, StringComparer.Ordinal).ToList();
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            const string Sql = """
                INSERT INTO agents (id, site_id, first_seen_at, last_seen_at)
                SELECT a.id, a.site_id, @Now, @Now FROM unnest(@Ids, @SiteIds) AS a(id, site_id)
                ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, last_seen_at = excluded.last_seen_at
                """;
            await connection.ExecuteAsync(new CommandDefinition(Sql, new
            {
                Ids = agents.Select(a => a.AgentId).ToArray(),
                SiteIds = agents.Select(a => a.SiteId).ToArray(),
                Now = now.ToUniversalTime(),
            }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            const string Sql = """
                INSERT INTO agents (id, site_id, first_seen_at, last_seen_at) VALUES (@Id, @SiteId, @Now, @Now)
                ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, last_seen_at = excluded.last_seen_at
                """;
            foreach (var agent in agents)
            {
                await connection.ExecuteAsync(new CommandDefinition(Sql, new { Id = agent.AgentId, agent.SiteId, Now = now }, transaction, cancellationToken: cancellationToken));
            }
        }
    }

    private async Task<IReadOnlyList<ProbeStateChanged>> AdvanceStateAsync(
        DbConnection connection, DbTransaction transaction, List<ResultParameters> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var keys = rows.Select(r => (r.AgentId, r.ProbeId)).Distinct().Order().ToArray();
        var agentIds = keys.Select(k => k.AgentId).ToArray();
        var probeIds = keys.Select(k => k.ProbeId).ToArray();
        var wanted = keys.ToHashSet();
        const string StateColumns = """
            SELECT agent_id AS AgentId, probe_id AS ProbeId, site_id AS SiteId, kind AS Kind, target AS Target,
                   outcome AS Outcome, findings AS Findings, measurements AS Measurements, error AS Error,
                   last_result_id AS LastResultId, last_started_at AS LastStartedAt, changed_at AS ChangedAt, updated_at AS UpdatedAt
            FROM endpoint_state
            """;
        // PostgreSQL: lock exactly the batch's keys, in key order (no deadlock between replicas); SQLite has one writer.
        var sql = database.Dialect == StorageDialect.PostgreSql
            ? StateColumns + """

                WHERE (agent_id, probe_id) IN (SELECT * FROM unnest(@AgentIds, @ProbeIds))
                ORDER BY agent_id, probe_id FOR UPDATE
                """
            : StateColumns + " WHERE agent_id IN @DistinctAgentIds";
        var existing = (await connection.QueryAsync<EndpointStateRow>(new CommandDefinition(
                sql, new { AgentIds = agentIds, ProbeIds = probeIds, DistinctAgentIds = agentIds.Distinct().ToArray() }, transaction, cancellationToken: cancellationToken)))
            .Where(s => wanted.Contains((s.AgentId, s.ProbeId)))
            .ToDictionary(s => (s.AgentId, s.ProbeId));

        // Only the newest result of each agent/probe in the batch matters; the change is the batch's net change.
        var updates = new List<StateParameters>();
        var changes = new List<ProbeStateChanged>();
        foreach (var group in rows.GroupBy(r => (r.AgentId, r.ProbeId)))
        {
            var latest = group.OrderBy(r => r.StartedAt).ThenBy(r => r.Id).Last();
            existing.TryGetValue(group.Key, out var stored);
            if (stored is not null && !IsNewer(latest, stored.LastStartedAt, stored.LastResultId))
            {
                continue;
            }

            var changed = stored is null || stored.Outcome != latest.Outcome || !SameFindings(stored.Findings, latest.FindingList);
            updates.Add(new StateParameters(latest, changed ? now : stored!.ChangedAt, now));
            if (changed)
            {
                changes.Add(new ProbeStateChanged
                {
                    AgentId = latest.AgentId,
                    SiteId = latest.SiteId,
                    ProbeId = latest.ProbeId,
                    Kind = latest.Kind,
                    Target = latest.Target,
                    ResultId = latest.Id,
                    PreviousOutcome = stored is null ? null : OutcomeText.Parse(stored.Outcome),
                    Outcome = latest.Source.Outcome,
                    PreviousFindings = stored is null ? [] : DeserializeFindings(stored.Findings),
                    Findings = latest.FindingList,
                    StartedAt = latest.StartedAt,
                    ChangedAt = now,
                });
            }
        }

        // Key order on every write path: concurrent batches then wait for each other instead of deadlocking.
        updates.Sort((a, b) => (a.AgentId, a.ProbeId).CompareTo((b.AgentId, b.ProbeId)));
        await UpsertStatesAsync(connection, transaction, updates, cancellationToken);
        return changes;
    }

    private async Task UpsertStatesAsync(
        DbConnection connection, DbTransaction transaction, List<StateParameters> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return;
        }

        const string Set = """
            ON CONFLICT (agent_id, probe_id) DO UPDATE SET
                site_id = excluded.site_id, kind = excluded.kind, target = excluded.target, outcome = excluded.outcome,
                findings = excluded.findings, measurements = excluded.measurements, error = excluded.error,
                last_result_id = excluded.last_result_id, last_started_at = excluded.last_started_at,
                changed_at = excluded.changed_at, updated_at = excluded.updated_at
            WHERE excluded.last_started_at >= endpoint_state.last_started_at
            """;
        if (database.Dialect == StorageDialect.PostgreSql)
        {
            const string Sql = """
                INSERT INTO endpoint_state (agent_id, probe_id, site_id, kind, target, outcome, findings, measurements, error,
                                            last_result_id, last_started_at, changed_at, updated_at)
                SELECT s.agent_id, s.probe_id, s.site_id, s.kind, s.target, s.outcome, s.findings::jsonb, s.measurements::jsonb,
                       s.error, s.last_result_id, s.last_started_at, s.changed_at, @UpdatedAt
                FROM unnest(@AgentIds, @ProbeIds, @SiteIds, @Kinds, @Targets, @Outcomes, @Findings, @Measurements, @Errors,
                            @LastResultIds, @LastStartedAts, @ChangedAts)
                     AS s(agent_id, probe_id, site_id, kind, target, outcome, findings, measurements, error,
                          last_result_id, last_started_at, changed_at)
                """ + "\n" + Set;
            await connection.ExecuteAsync(new CommandDefinition(Sql, new
            {
                AgentIds = states.Select(s => s.AgentId).ToArray(),
                ProbeIds = states.Select(s => s.ProbeId).ToArray(),
                SiteIds = states.Select(s => s.SiteId).ToArray(),
                Kinds = states.Select(s => s.Kind).ToArray(),
                Targets = states.Select(s => s.Target).ToArray(),
                Outcomes = states.Select(s => s.Outcome).ToArray(),
                Findings = states.Select(s => s.Findings).ToArray(),
                Measurements = states.Select(s => s.Measurements).ToArray(),
                Errors = states.Select(s => s.Error).ToArray(),
                LastResultIds = states.Select(s => s.LastResultId).ToArray(),
                LastStartedAts = states.Select(s => s.LastStartedAt.ToUniversalTime()).ToArray(),
                ChangedAts = states.Select(s => s.ChangedAt.ToUniversalTime()).ToArray(),
                UpdatedAt = states[0].UpdatedAt.ToUniversalTime(),
            }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            const string Sql = """
                INSERT INTO endpoint_state (agent_id, probe_id, site_id, kind, target, outcome, findings, measurements, error,
                                            last_result_id, last_started_at, changed_at, updated_at)
                VALUES (@AgentId, @ProbeId, @SiteId, @Kind, @Target, @Outcome, @Findings, @Measurements, @Error,
                        @LastResultId, @LastStartedAt, @ChangedAt, @UpdatedAt)
                """ + "\n" + Set;
            foreach (var state in states)
            {
                await connection.ExecuteAsync(new CommandDefinition(Sql, state, transaction, cancellationToken: cancellationToken));
            }
        }
    }

    private static bool IsNewer(ResultParameters row, DateTimeOffset lastStartedAt, Guid lastResultId) =>
        row.StartedAt > lastStartedAt || (row.StartedAt == lastStartedAt && row.Id.CompareTo(lastResultId) > 0);

    private static bool SameFindings(string storedJson, IReadOnlyList<string> findings) =>
        DeserializeFindings(storedJson).Order(StringComparer.Ordinal).SequenceEqual(findings.Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static List<string> DeserializeFindings(string json) =>
        JsonSerializer.Deserialize<List<string>>(json, WireFormat.Options) ?? [];

    private sealed class ResultParameters(ProbeCompleted source, DateTimeOffset receivedAt)
    {
        public ProbeCompleted Source { get; } = source;

        public Guid Id => Source.Id;

        public string AgentId => Source.AgentId;

        public string SiteId => Source.SiteId;

        public string ProbeId => Source.ProbeId;

        public int ProbeVersion => Source.ProbeVersion;

        public string Kind => Source.Kind;

        public string Target => Source.Target;

        public DateTimeOffset StartedAt => Source.StartedAt;

        public double DurationMs => Source.DurationMs;

        public string Outcome { get; } = OutcomeText.Format(source.Outcome);

        public string Measurements { get; } = JsonSerializer.Serialize(source.Measurements, WireFormat.Options);

        public string Facts { get; } = JsonSerializer.Serialize(source.Facts, WireFormat.Options);

        public IReadOnlyList<string> FindingList => Source.Findings;

        public string Findings { get; } = JsonSerializer.Serialize(source.Findings, WireFormat.Options);

        public string? Error => Source.Error;

        public DateTimeOffset ReceivedAt { get; } = receivedAt;
    }

    private sealed class StateParameters(ResultParameters row, DateTimeOffset changedAt, DateTimeOffset updatedAt)
    {
        public string AgentId => row.AgentId;

        public string ProbeId => row.ProbeId;

        public string SiteId => row.SiteId;

        public string Kind => row.Kind;

        public string Target => row.Target;

        public string Outcome => row.Outcome;

        public string Findings => row.Findings;

        public string Measurements => row.Measurements;

        public string? Error => row.Error;

        public Guid LastResultId => row.Id;

        public DateTimeOffset LastStartedAt => row.StartedAt;

        public DateTimeOffset ChangedAt { get; } = changedAt;

        public DateTimeOffset UpdatedAt { get; } = updatedAt;
    }
}
