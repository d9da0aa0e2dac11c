using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Tells cheaply whether anything the fleet view shows has changed: the newest state update and heartbeat.</summary>
public sealed class FleetVersionStore(Database database)
{
    /// <summary>A text that changes whenever a state row is written or a heartbeat arrives; compare it, do not parse it.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT (SELECT COUNT(*) FROM endpoint_state) AS States, (SELECT MAX(updated_at) FROM endpoint_state) AS StateAt,
                   (SELECT COUNT(*) FROM agents) AS Agents, (SELECT MAX(last_heartbeat_at) FROM agents) AS HeartbeatAt
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long States, object? StateAt, long Agents, object? HeartbeatAt)>(
            new CommandDefinition(Sql, cancellationToken: cancellationToken));
        return FormattableString.Invariant($"{row.States}/{row.StateAt}/{row.Agents}/{row.HeartbeatAt}");
    }
}
