using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>api_tokens</c>; only hashes of the secrets are ever stored.</summary>
public sealed class ApiTokenStore(Database database, TimeProvider timeProvider)
{
    private const string Columns = """
        SELECT id AS Id, name AS Name, secret_hash AS SecretHash, role AS Role, created_by AS CreatedBy,
               created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_tokens
        """;

    public async Task<IReadOnlyList<ApiTokenRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiTokenRow>(new CommandDefinition(Columns + " ORDER BY created_at, id", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<ApiTokenRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiTokenRow>(new CommandDefinition(Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task CreateAsync(string id, string name, string secretHash, string role, string createdBy, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO api_tokens (id, name, secret_hash, role, created_by, created_at)
            VALUES (@Id, @Name, @SecretHash, @Role, @CreatedBy, @CreatedAt)
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            Id = id,
            Name = name,
            SecretHash = secretHash,
            Role = role,
            CreatedBy = createdBy,
            CreatedAt = timeProvider.GetUtcNow(),
        }, cancellationToken: cancellationToken));
    }

    /// <summary>Revokes the token; false when there is no such token or it was revoked already.</summary>
    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @Now WHERE id = @Id AND revoked_at IS NULL",
            new { Id = id, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }
}
