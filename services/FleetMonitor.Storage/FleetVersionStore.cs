using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>
/// Tells cheaply whether what the fleet view shows may have changed, without reading anything that grows with the fleet:
/// the problem-states number (<c>problem_states_version</c>, moved by every write of a state that may not be ok), each
/// site's agent count (<c>site_agent_counts</c>), the number of sites, and the agents quiet since before a cut-off
/// (their count and the latest of their last-heard times, read along the index <c>agents_last_heard</c>): an agent
/// going quiet or heard from again moves it. A heartbeat of an agent that is not quiet, or an ok state rewritten as ok,
/// moves nothing, since the fleet view shows neither.
/// </summary>
public sealed class FleetVersionStore(Database database)
{
    private const string Sql = $"""
        SELECT (SELECT version FROM problem_states_version WHERE id = 1) AS Problems,
               (SELECT COUNT(*) FROM sites) AS Sites,
               (SELECT COUNT(*) FROM agents WHERE {AgentStore.HeardAt} < @QuietBefore) AS Quiet,
               (SELECT MAX({AgentStore.HeardAt}) FROM agents WHERE {AgentStore.HeardAt} < @QuietBefore) AS QuietHeardAt;
        SELECT site_id, agents FROM site_agent_counts ORDER BY site_id;
        """;

    /// <summary>
    /// A text that changes whenever a state that may not be ok is written, an agent is added, removed or moved, a site
    /// is added or removed, or an agent last heard before <paramref name="quietBefore"/> (none when null) joins or
    /// leaves that set; compare it, do not parse it.
    /// </summary>
    public async Task<string> GetAsync(DateTimeOffset? quietBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await connection.QueryMultipleAsync(new CommandDefinition(
            Sql, new { QuietBefore = quietBefore }, cancellationToken: cancellationToken));
        var row = await reader.ReadSingleAsync<(long? Problems, long Sites, long Quiet, object? QuietHeardAt)>();
        var counts = new StringBuilder();
        foreach (var (siteId, agents) in await reader.ReadAsync<(string SiteId, long Agents)>())
        {
            counts.Append(siteId).Append('\n').Append(agents).Append('\n');
        }

        var sitesHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(counts.ToString())).AsSpan(0, 8));
        return FormattableString.Invariant($"{row.Problems}/{row.Sites}/{sitesHash}/{row.Quiet}/{row.QuietHeardAt}");
    }
}
