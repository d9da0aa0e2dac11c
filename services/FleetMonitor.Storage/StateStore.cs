using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads <c>endpoint_state</c>: the fleet view, never a scan of raw results.</summary>
public sealed class StateStore(Database database)
{
    /// <summary>The predicate of <see cref="ListNotOkAsync"/>: the partial index's (migration 0031) word for word, so that the planner uses it.</summary>
    public const string NotOkPostgreSql = "outcome <> 'ok' OR findings <> '[]'::jsonb";

    /// <summary>The SQLite form of <see cref="NotOkPostgreSql"/>.</summary>
    public const string NotOkSqlite = "outcome <> 'ok' OR findings <> '[]'";

    private const string Columns = """
        SELECT agent_id AS AgentId, probe_id AS ProbeId, site_id AS SiteId, kind AS Kind, target AS Target,
               outcome AS Outcome, findings AS Findings, measurements AS Measurements, error AS Error,
               last_result_id AS LastResultId, last_started_at AS LastStartedAt, changed_at AS ChangedAt, updated_at AS UpdatedAt
        FROM endpoint_state
        """;

    private string NotOk => database.Dialect == StorageDialect.PostgreSql ? NotOkPostgreSql : NotOkSqlite;

    public async Task<IReadOnlyList<EndpointStateRow>> ListAsync(string? siteId, CancellationToken cancellationToken)
    {
        var sql = siteId is null
            ? Columns + " ORDER BY site_id, agent_id, probe_id"
            : Columns + " WHERE site_id = @SiteId ORDER BY agent_id, probe_id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EndpointStateRow>(new CommandDefinition(sql, new { SiteId = siteId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The states that may not be ok: every state except those with an ok outcome and no findings, which are ok
    /// whatever else they say. Read through the partial index <c>endpoint_state_problems</c>; the fleet view classifies them.
    /// </summary>
    public async Task<IReadOnlyList<EndpointStateRow>> ListNotOkAsync(CancellationToken cancellationToken)
    {
        var sql = Columns + " WHERE " + NotOk + " ORDER BY site_id, agent_id, probe_id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EndpointStateRow>(new CommandDefinition(sql, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// The keys and update times of the states <see cref="ListNotOkAsync"/> returns, without their contents: a reader that
    /// keeps the states it has classified fetches only those whose update time moved (<see cref="ListNotOkForAgentsAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<StateVersionRow>> ListNotOkVersionsAsync(CancellationToken cancellationToken)
    {
        var sql = "SELECT agent_id AS AgentId, probe_id AS ProbeId, updated_at AS UpdatedAt FROM endpoint_state WHERE " + NotOk;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StateVersionRow>(new CommandDefinition(sql, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// A number that moves, in the writing transaction, whenever a state <see cref="ListNotOkAsync"/> would list is
    /// written, added or removed, or a state starts or stops being listed (triggers of migration 0034). Read it before
    /// the states: while it is unchanged, states read after an earlier reading of it are still the database's.
    /// </summary>
    public async Task<long> GetProblemVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT version FROM problem_states_version WHERE id = 1", cancellationToken: cancellationToken));
    }

    /// <summary>The states of <paramref name="agentIds"/> that may not be ok (as <see cref="ListNotOkAsync"/>).</summary>
    public async Task<IReadOnlyList<EndpointStateRow>> ListNotOkForAgentsAsync(IReadOnlyCollection<string> agentIds, CancellationToken cancellationToken)
    {
        var sql = Columns + " WHERE (" + NotOk + ") AND "
            + (database.Dialect == StorageDialect.PostgreSql ? "agent_id = ANY(@Ids)" : "agent_id IN @Ids");
        var result = new List<EndpointStateRow>();
        await using var connection = await database.OpenAsync(cancellationToken);
        // In chunks: SQLite takes a bounded number of parameters, and Dapper expands the list into one each.
        foreach (var chunk in agentIds.Chunk(500))
        {
            result.AddRange(await connection.QueryAsync<EndpointStateRow>(new CommandDefinition(sql, new { Ids = chunk }, cancellationToken: cancellationToken)));
        }

        return result;
    }

    /// <summary>
    /// The facts of each agent's latest nat, upnp and exposure result (NAT type, public address, router), read by
    /// primary key from the result each state row points to.
    /// </summary>
    public async Task<IReadOnlyList<NetworkFactsRow>> ListNetworkFactsAsync(CancellationToken cancellationToken)
    {
        // On PostgreSQL the result's start names its daily partition: without it every lookup would probe every partition.
        var sql = $"""
            SELECT e.agent_id AS AgentId, e.kind AS Kind, r.facts AS Facts
            FROM endpoint_state e JOIN probe_results r ON r.id = e.last_result_id{(database.Dialect == StorageDialect.PostgreSql ? " AND r.started_at = e.last_started_at" : "")}
            WHERE e.kind IN ('nat', 'upnp', 'exposure')
            ORDER BY e.agent_id, e.kind, e.last_started_at
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<NetworkFactsRow>(new CommandDefinition(sql, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<EndpointStateRow>> ListForAgentAsync(string agentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EndpointStateRow>(new CommandDefinition(
            Columns + " WHERE agent_id = @AgentId ORDER BY probe_id", new { AgentId = agentId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }
}
