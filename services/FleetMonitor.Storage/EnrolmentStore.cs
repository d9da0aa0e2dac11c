using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>enrolment_tokens</c> and <c>agent_identities</c>.</summary>
public sealed class EnrolmentStore(Database database, TimeProvider timeProvider)
{
    private const string TokenColumns = """
        SELECT id AS Id, site_id AS SiteId, expires_at AS ExpiresAt, max_uses AS MaxUses, uses AS Uses, revoked_at AS RevokedAt, created_at AS CreatedAt
        FROM enrolment_tokens
        """;

    private const string IdentityColumns = """
        SELECT agent_id AS AgentId, site_id AS SiteId, broker_user AS BrokerUser, reflector_username AS ReflectorUsername,
               reflector_password AS ReflectorPassword, token_id AS TokenId, hostname AS Hostname, enrolled_at AS EnrolledAt, revoked_at AS RevokedAt
        FROM agent_identities
        """;

    /// <summary>The stored form of a token: its SHA-256, hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Makes a token for the site; the token itself is returned once and never stored.</summary>
    public async Task<(EnrolmentTokenRow Row, string Token)> CreateTokenAsync(string siteId, DateTimeOffset expiresAt, int maxUses, CancellationToken cancellationToken)
    {
        var token = "fmt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var id = "tok-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO enrolment_tokens (id, site_id, token_hash, expires_at, max_uses, uses, created_at)
            VALUES (@Id, @SiteId, @Hash, @ExpiresAt, @MaxUses, 0, @Now)
            """,
            new { Id = id, SiteId = siteId, Hash = Hash(token), ExpiresAt = expiresAt, MaxUses = maxUses, Now = timeProvider.GetUtcNow() },
            cancellationToken: cancellationToken));
        var row = await connection.QuerySingleAsync<EnrolmentTokenRow>(new CommandDefinition(TokenColumns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
        return (row, token);
    }

    public async Task<IReadOnlyList<EnrolmentTokenRow>> ListTokensAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EnrolmentTokenRow>(new CommandDefinition(
            TokenColumns + " WHERE site_id = @SiteId ORDER BY created_at, id", new { SiteId = siteId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Revokes a token; false when the site has no such token.</summary>
    public async Task<bool> RevokeTokenAsync(string siteId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE enrolment_tokens SET revoked_at = COALESCE(revoked_at, @Now) WHERE site_id = @SiteId AND id = @Id",
            new { SiteId = siteId, Id = id, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>
    /// Uses the token once and stores the identity <paramref name="provision"/> makes for it, in one transaction: when
    /// the token is refused, or <paramref name="provision"/> throws, nothing is used up and nothing is stored.
    /// </summary>
    public async Task<(EnrolmentOutcome Outcome, AgentIdentityRow? Identity)> EnrolAsync(
        string token, Func<EnrolmentTokenRow, Task<AgentIdentityRow>> provision, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EnrolmentTokenRow>(new CommandDefinition(
            TokenColumns + " WHERE token_hash = @Hash", new { Hash = Hash(token) }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return (EnrolmentOutcome.UnknownToken, null);
        }

        if (row.RevokedAt is not null)
        {
            return (EnrolmentOutcome.Revoked, null);
        }

        if (row.ExpiresAt <= now)
        {
            return (EnrolmentOutcome.Expired, null);
        }

        // The condition makes concurrent enrolments with the last use left race safely: one of them gets it.
        var used = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE enrolment_tokens SET uses = uses + 1 WHERE id = @Id AND uses < max_uses AND revoked_at IS NULL",
            new { row.Id }, transaction, cancellationToken: cancellationToken));
        if (used == 0)
        {
            return (EnrolmentOutcome.UsedUp, null);
        }

        var identity = await provision(row);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO agent_identities (agent_id, site_id, broker_user, reflector_username, reflector_password, token_id, hostname, enrolled_at)
            VALUES (@AgentId, @SiteId, @BrokerUser, @ReflectorUsername, @ReflectorPassword, @TokenId, @Hostname, @EnrolledAt)
            """,
            identity, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return (EnrolmentOutcome.Enrolled, identity);
    }

    public async Task<IReadOnlyList<AgentIdentityRow>> ListIdentitiesAsync(string? siteId, CancellationToken cancellationToken)
    {
        var sql = siteId is null ? IdentityColumns + " ORDER BY agent_id" : IdentityColumns + " WHERE site_id = @SiteId ORDER BY agent_id";
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgentIdentityRow>(new CommandDefinition(sql, new { SiteId = siteId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<AgentIdentityRow?> GetIdentityByBrokerUserAsync(string brokerUser, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AgentIdentityRow>(new CommandDefinition(
            IdentityColumns + " WHERE broker_user = @User", new { User = brokerUser }, cancellationToken: cancellationToken));
    }

    public async Task<AgentIdentityRow?> GetIdentityAsync(string agentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AgentIdentityRow>(new CommandDefinition(
            IdentityColumns + " WHERE agent_id = @AgentId", new { AgentId = agentId }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks the agent revoked; false when there is no such agent or it was revoked already.</summary>
    public async Task<bool> RevokeIdentityAsync(string agentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE agent_identities SET revoked_at = @Now WHERE agent_id = @AgentId AND revoked_at IS NULL",
            new { AgentId = agentId, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
        return rows == 1;
    }
}
