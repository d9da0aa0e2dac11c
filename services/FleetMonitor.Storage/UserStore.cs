using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>users</c>; the password hash is made and checked by the Api, never here.</summary>
public sealed class UserStore(Database database, TimeProvider timeProvider)
{
    private const string Columns = "SELECT name AS Name, password_hash AS PasswordHash, role AS Role, created_at AS CreatedAt, disabled_at AS DisabledAt FROM users";

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(Columns + " ORDER BY name", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<UserRow?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(Columns + " WHERE name = @Name", new { Name = name }, cancellationToken: cancellationToken));
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Creates the user; false when a user with that name exists already.</summary>
    public async Task<bool> CreateAsync(string name, string? passwordHash, string role, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO users (name, password_hash, role, created_at) VALUES (@Name, @PasswordHash, @Role, @CreatedAt)
            ON CONFLICT (name) DO NOTHING
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { Name = name, PasswordHash = passwordHash, Role = role, CreatedAt = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task SetPasswordHashAsync(string name, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @PasswordHash WHERE name = @Name", new { Name = name, PasswordHash = passwordHash }, cancellationToken: cancellationToken));
    }

    /// <summary>Changes the role and whether the user is disabled; false when there is no such user.</summary>
    public async Task<bool> UpdateAsync(string name, string role, bool disabled, CancellationToken cancellationToken)
    {
        const string Sql = """
            UPDATE users SET role = @Role,
                disabled_at = CASE WHEN @Disabled THEN COALESCE(disabled_at, @Now) ELSE NULL END
            WHERE name = @Name
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            Sql, new { Name = name, Role = role, Disabled = disabled, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }
}
