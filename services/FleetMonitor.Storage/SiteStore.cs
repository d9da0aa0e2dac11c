using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>sites</c>.</summary>
public sealed class SiteStore(Database database, TimeProvider timeProvider)
{
    private const string Columns = "SELECT id AS Id, name AS Name, time_zone AS TimeZone, created_at AS CreatedAt FROM sites";

    public async Task<IReadOnlyList<SiteRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SiteRow>(new CommandDefinition(Columns + " ORDER BY id", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<SiteRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SiteRow>(new CommandDefinition(Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates the site; false when a site with that id exists already.</summary>
    public async Task<bool> CreateAsync(string id, string name, string timeZone, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO sites (id, name, time_zone, created_at) VALUES (@Id, @Name, @TimeZone, @CreatedAt)
            ON CONFLICT (id) DO NOTHING
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { Id = id, Name = name, TimeZone = timeZone, CreatedAt = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }
}
