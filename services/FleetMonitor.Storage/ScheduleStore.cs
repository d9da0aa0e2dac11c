using System.Data.Common;
using System.Text.Json;
using Dapper;
using FleetMonitor.Contracts;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>probe_definitions</c>, <c>site_schedules</c> and <c>agent_schedule_status</c>.</summary>
public sealed class ScheduleStore(Database database, TimeProvider timeProvider)
{
    private string Columns => $"""
        SELECT site_id AS SiteId, id AS Id, version AS Version, kind AS Kind, target AS Target, interval_seconds AS IntervalSeconds,
               schedule AS Schedule, time_zone AS TimeZone, timeout_seconds AS TimeoutSeconds, {JsonText("parameters")} AS Parameters,
               enabled AS Enabled, updated_at AS UpdatedAt
        FROM probe_definitions
        """;

    /// <summary>The site's definitions that are not deleted, by id.</summary>
    public async Task<IReadOnlyList<ProbeDefinitionRow>> ListAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ListAsync(connection, null, siteId, cancellationToken);
    }

    public async Task<ProbeDefinitionRow?> GetAsync(string siteId, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var raw = await connection.QuerySingleOrDefaultAsync<RawDefinition>(new CommandDefinition(
            Columns + " WHERE site_id = @SiteId AND id = @Id AND deleted_at IS NULL", new { SiteId = siteId, Id = id }, cancellationToken: cancellationToken));
        return raw?.ToRow();
    }

    /// <summary>The site's schedule as agents get it: its version and every enabled definition.</summary>
    public async Task<SiteScheduleChanged> GetScheduleAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var schedule = await ReadScheduleAsync(connection, transaction, siteId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return schedule;
    }

    /// <summary>Creates or replaces a definition (its version grows by one) and returns it with the site's new schedule.</summary>
    public async Task<(ProbeDefinitionRow Definition, SiteScheduleChanged Schedule, bool Created)> SaveAsync(ProbeDefinitionDraft draft, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Bumping the site's version first takes its row lock: changes to one site's schedule are serialised.
        await BumpSiteVersionAsync(connection, transaction, draft.SiteId, now, cancellationToken);
        var existing = await connection.QuerySingleOrDefaultAsync<ExistingDefinition>(new CommandDefinition(
            $"SELECT version AS Version, {Text("deleted_at")} AS DeletedAt FROM probe_definitions WHERE site_id = @SiteId AND id = @Id",
            new { draft.SiteId, draft.Id }, transaction, cancellationToken: cancellationToken));
        var parameters = JsonSerializer.Serialize(draft.Parameters, WireFormat.Options);
        var values = new
        {
            draft.SiteId,
            draft.Id,
            Version = (existing?.Version ?? 0) + 1,
            draft.Kind,
            draft.Target,
            draft.IntervalSeconds,
            Schedule = draft.Cron ?? "",
            draft.TimeZone,
            draft.TimeoutSeconds,
            Parameters = parameters,
            draft.Enabled,
            Now = now,
        };
        var sql = existing is null
            ? $"""
              INSERT INTO probe_definitions (site_id, id, version, kind, target, interval_seconds, schedule, time_zone, timeout_seconds, parameters, enabled, updated_at)
              VALUES (@SiteId, @Id, @Version, @Kind, @Target, @IntervalSeconds, @Schedule, @TimeZone, @TimeoutSeconds, {JsonValue("@Parameters")}, @Enabled, @Now)
              """
            : $"""
              UPDATE probe_definitions SET version = @Version, kind = @Kind, target = @Target, interval_seconds = @IntervalSeconds,
                  schedule = @Schedule, time_zone = @TimeZone, timeout_seconds = @TimeoutSeconds, parameters = {JsonValue("@Parameters")},
                  enabled = @Enabled, updated_at = @Now, deleted_at = NULL
              WHERE site_id = @SiteId AND id = @Id
              """;
        await connection.ExecuteAsync(new CommandDefinition(sql, values, transaction, cancellationToken: cancellationToken));
        var schedule = await ReadScheduleAsync(connection, transaction, draft.SiteId, cancellationToken);
        var saved = (await ListAsync(connection, transaction, draft.SiteId, cancellationToken)).Single(d => d.Id == draft.Id);
        await transaction.CommitAsync(cancellationToken);
        return (saved, schedule, existing is null || existing.DeletedAt is not null);
    }

    /// <summary>Deletes a definition; the site's new schedule, or null when there was no such definition.</summary>
    public async Task<SiteScheduleChanged?> DeleteAsync(string siteId, string id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await BumpSiteVersionAsync(connection, transaction, siteId, now, cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE probe_definitions SET deleted_at = @Now, updated_at = @Now WHERE site_id = @SiteId AND id = @Id AND deleted_at IS NULL",
            new { SiteId = siteId, Id = id, Now = now }, transaction, cancellationToken: cancellationToken));
        if (deleted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        var schedule = await ReadScheduleAsync(connection, transaction, siteId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return schedule;
    }

    /// <summary>Records what an agent's heartbeat says about its schedule; an older report does not replace a newer one.</summary>
    public async Task RecordAgentStatusAsync(AgentHeartbeatSent heartbeat, CancellationToken cancellationToken)
    {
        const string Sql = """
            INSERT INTO agent_schedule_status (agent_id, site_id, applied_version, schedule_error, reported_at)
            VALUES (@AgentId, @SiteId, @AppliedScheduleVersion, @ScheduleError, @SentAt)
            ON CONFLICT (agent_id) DO UPDATE SET site_id = excluded.site_id, applied_version = excluded.applied_version,
                schedule_error = excluded.schedule_error, reported_at = excluded.reported_at
            WHERE agent_schedule_status.reported_at < excluded.reported_at
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Sql, new
        {
            heartbeat.AgentId,
            heartbeat.SiteId,
            heartbeat.AppliedScheduleVersion,
            heartbeat.ScheduleError,
            heartbeat.SentAt,
        }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AgentScheduleStatusRow>> ListAgentStatusAsync(string siteId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AgentScheduleStatusRow>(new CommandDefinition(
            """
            SELECT agent_id AS AgentId, site_id AS SiteId, applied_version AS AppliedVersion, schedule_error AS ScheduleError, reported_at AS ReportedAt
            FROM agent_schedule_status WHERE site_id = @SiteId ORDER BY agent_id
            """,
            new { SiteId = siteId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private async Task<IReadOnlyList<ProbeDefinitionRow>> ListAsync(DbConnection connection, DbTransaction? transaction, string siteId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RawDefinition>(new CommandDefinition(
            Columns + " WHERE site_id = @SiteId AND deleted_at IS NULL ORDER BY id", new { SiteId = siteId }, transaction, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRow()).ToList();
    }

    private async Task<SiteScheduleChanged> ReadScheduleAsync(DbConnection connection, DbTransaction transaction, string siteId, CancellationToken cancellationToken)
    {
        var site = await connection.QuerySingleOrDefaultAsync<SiteVersion>(new CommandDefinition(
            "SELECT version AS Version, changed_at AS ChangedAt FROM site_schedules WHERE site_id = @SiteId", new { SiteId = siteId }, transaction, cancellationToken: cancellationToken));
        var definitions = await ListAsync(connection, transaction, siteId, cancellationToken);
        return new SiteScheduleChanged
        {
            SchemaVersion = SiteScheduleChanged.CurrentSchemaVersion,
            SiteId = siteId,
            Version = site?.Version ?? 0,
            ChangedAt = site?.ChangedAt ?? DateTimeOffset.UnixEpoch,
            Probes = definitions.Where(d => d.Enabled).Select(ToScheduled).ToList(),
        };
    }

    private static ScheduledProbe ToScheduled(ProbeDefinitionRow d) => new()
    {
        Id = d.Id,
        Version = d.Version,
        Kind = d.Kind,
        Target = d.Target,
        IntervalSeconds = d.IntervalSeconds,
        Cron = d.Cron,
        TimeZone = d.TimeZone,
        TimeoutSeconds = d.TimeoutSeconds,
        Parameters = d.Parameters,
    };

    private static async Task BumpSiteVersionAsync(DbConnection connection, DbTransaction transaction, string siteId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO site_schedules (site_id, version, changed_at) VALUES (@SiteId, 1, @Now)
            ON CONFLICT (site_id) DO UPDATE SET version = site_schedules.version + 1, changed_at = excluded.changed_at
            """,
            new { SiteId = siteId, Now = now }, transaction, cancellationToken: cancellationToken));

    private string JsonText(string column) => database.Dialect == StorageDialect.PostgreSql ? $"{column}::text" : column;

    private string JsonValue(string parameter) => database.Dialect == StorageDialect.PostgreSql ? $"CAST({parameter} AS jsonb)" : parameter;

    private string Text(string column) => database.Dialect == StorageDialect.PostgreSql ? $"{column}::text" : column;

    private sealed class ExistingDefinition
    {
        public required int Version { get; init; }

        public string? DeletedAt { get; init; }
    }

    private sealed class SiteVersion
    {
        public required long Version { get; init; }

        public required DateTimeOffset ChangedAt { get; init; }
    }

    /// <summary>The columns as they come from either database, before the parameters' JSON is read.</summary>
    private sealed class RawDefinition
    {
        public required string SiteId { get; init; }

        public required string Id { get; init; }

        public required int Version { get; init; }

        public required string Kind { get; init; }

        public required string Target { get; init; }

        public int? IntervalSeconds { get; init; }

        public required string Schedule { get; init; }

        public required string TimeZone { get; init; }

        public required int TimeoutSeconds { get; init; }

        public required string Parameters { get; init; }

        public required bool Enabled { get; init; }

        public required DateTimeOffset UpdatedAt { get; init; }

        public ProbeDefinitionRow ToRow() => new()
        {
            SiteId = SiteId,
            Id = Id,
            Version = Version,
            Kind = Kind,
            Target = Target,
            IntervalSeconds = IntervalSeconds,
            Cron = Schedule.Length == 0 ? null : Schedule,
            TimeZone = TimeZone,
            TimeoutSeconds = TimeoutSeconds,
            Parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(Parameters, WireFormat.Options) ?? [],
            Enabled = Enabled,
            UpdatedAt = UpdatedAt,
        };
    }
}
