using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>alert_policies</c>: every save is a new version, the newest one applies.</summary>
public sealed class PolicyStore(Database database, TimeProvider timeProvider)
{
    private const string Columns = "SELECT site_id AS SiteId, version AS Version, document AS Document, created_at AS CreatedAt, created_by AS CreatedBy FROM alert_policies";

    public async Task<PolicyRow?> GetCurrentAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PolicyRow>(new CommandDefinition(
            Columns + " WHERE site_id = @SiteId ORDER BY version DESC LIMIT 1", new { SiteId = siteId }, cancellationToken: cancellationToken));
    }

    /// <summary>Every site's newest version, in one query (a site without a stored policy has none here).</summary>
    public async Task<IReadOnlyList<PolicyRow>> ListCurrentAsync(CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT p.site_id AS SiteId, p.version AS Version, p.document AS Document, p.created_at AS CreatedAt, p.created_by AS CreatedBy
            FROM alert_policies p
            JOIN (SELECT site_id, MAX(version) AS version FROM alert_policies GROUP BY site_id) newest ON newest.site_id = p.site_id AND newest.version = p.version
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PolicyRow>(new CommandDefinition(Sql, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<IReadOnlyList<PolicyRow>> ListVersionsAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PolicyRow>(new CommandDefinition(
            Columns + " WHERE site_id = @SiteId ORDER BY version DESC", new { SiteId = siteId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Stores <paramref name="document"/> as the site's next version; null when <paramref name="expectedVersion"/> is given and is not the current one.</summary>
    public async Task<PolicyRow?> SaveAsync(string siteId, string document, string? createdBy, int? expectedVersion, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO alert_policies (site_id, version, document, created_at, created_by)
            SELECT @SiteId, COALESCE(MAX(version), 0) + 1, @Document, @Now, @CreatedBy FROM alert_policies WHERE site_id = @SiteId
            HAVING CAST(@Expected AS integer) IS NULL OR COALESCE(MAX(version), 0) = CAST(@Expected AS integer)
            """;
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(
                Sql, new { SiteId = siteId, Document = document, Now = now, CreatedBy = createdBy, Expected = expectedVersion }, cancellationToken: cancellationToken));
            if (rows == 0)
            {
                return null;
            }
        }
        catch (Exception e) when (UniqueViolation.Is(e))
        {
            // Two saves raced for the same version number: the second one is a conflict, as with an expected version.
            return null;
        }

        return await connection.QuerySingleAsync<PolicyRow>(new CommandDefinition(
            Columns + " WHERE site_id = @SiteId ORDER BY version DESC LIMIT 1", new { SiteId = siteId }, cancellationToken: cancellationToken));
    }
}
