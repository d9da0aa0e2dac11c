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
               enabled AS Enabled, updated_at AS UpdatedAt, template_id AS TemplateId
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
        var existing = (await ExistingAsync(connection, transaction, draft.SiteId, cancellationToken)).GetValueOrDefault(draft.Id);
        await UpsertAsync(connection, transaction, draft, existing, existing is { DeletedAt: null } ? existing.TemplateId : null, now, cancellationToken);
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

    /// <summary>
    /// Makes the site's definitions from a template what <paramref name="drafts"/> say, in one change of the site's
    /// schedule: new ones added, changed ones given a new version, unchanged ones kept as they are, ones the template no
    /// longer has deleted; and records the application. A draft whose id the site already uses for a definition not made
    /// from this template throws <see cref="DefinitionConflictException"/> and nothing changes.
    /// </summary>
    public async Task<SiteScheduleChanged> ApplyTemplateAsync(
        string siteId, string templateId, long templateVersion, string settingsJson, IReadOnlyList<ProbeDefinitionDraft> drafts, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await BumpSiteVersionAsync(connection, transaction, siteId, now, cancellationToken);
        var existing = await ExistingAsync(connection, transaction, siteId, cancellationToken);
        var current = (await ListAsync(connection, transaction, siteId, cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        foreach (var draft in drafts)
        {
            var before = existing.GetValueOrDefault(draft.Id);
            if (before is { DeletedAt: null } && before.TemplateId != templateId)
            {
                throw new DefinitionConflictException(draft.Id, before.TemplateId);
            }

            if (current.TryGetValue(draft.Id, out var row) && before?.TemplateId == templateId && SameAs(row, draft))
            {
                continue;
            }

            await UpsertAsync(connection, transaction, draft, before, templateId, now, cancellationToken);
        }

        var kept = drafts.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in existing.Values.Where(e => e.TemplateId == templateId && e.DeletedAt is null && !kept.Contains(e.Id)))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE probe_definitions SET deleted_at = @Now, updated_at = @Now WHERE site_id = @SiteId AND id = @Id",
                new { SiteId = siteId, gone.Id, Now = now }, transaction, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO site_templates (site_id, template_id, settings, template_version, applied_at)
            VALUES (@SiteId, @TemplateId, {JsonValue("@Settings")}, @Version, @Now)
            ON CONFLICT (site_id, template_id) DO UPDATE SET settings = excluded.settings, template_version = excluded.template_version,
                applied_at = excluded.applied_at
            """,
            new { SiteId = siteId, TemplateId = templateId, Settings = settingsJson, Version = templateVersion, Now = now }, transaction,
            cancellationToken: cancellationToken));
        var schedule = await ReadScheduleAsync(connection, transaction, siteId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return schedule;
    }

    /// <summary>Takes a template off a site with the definitions made from it; the new schedule, or null when it was not applied there.</summary>
    public async Task<SiteScheduleChanged?> RemoveTemplateAsync(string siteId, string templateId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await BumpSiteVersionAsync(connection, transaction, siteId, now, cancellationToken);
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM site_templates WHERE site_id = @SiteId AND template_id = @TemplateId",
            new { SiteId = siteId, TemplateId = templateId }, transaction, cancellationToken: cancellationToken));
        if (removed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE probe_definitions SET deleted_at = @Now, updated_at = @Now WHERE site_id = @SiteId AND template_id = @TemplateId AND deleted_at IS NULL",
            new { SiteId = siteId, TemplateId = templateId, Now = now }, transaction, cancellationToken: cancellationToken));
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
            // In UTC: PostgreSQL's timestamptz takes no other offset, and SQLite compares the text.
            SentAt = heartbeat.SentAt.ToUniversalTime(),
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

    private async Task<Dictionary<string, ExistingDefinition>> ExistingAsync(
        DbConnection connection, DbTransaction transaction, string siteId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<ExistingDefinition>(new CommandDefinition(
            $"SELECT id AS Id, version AS Version, {Text("deleted_at")} AS DeletedAt, template_id AS TemplateId FROM probe_definitions WHERE site_id = @SiteId",
            new { SiteId = siteId }, transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    private async Task UpsertAsync(
        DbConnection connection, DbTransaction transaction, ProbeDefinitionDraft draft, ExistingDefinition? existing, string? templateId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
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
            Parameters = JsonSerializer.Serialize(draft.Parameters, WireFormat.Options),
            draft.Enabled,
            Now = now,
            TemplateId = templateId,
        };
        var sql = existing is null
            ? $"""
              INSERT INTO probe_definitions (site_id, id, version, kind, target, interval_seconds, schedule, time_zone, timeout_seconds, parameters, enabled, updated_at, template_id)
              VALUES (@SiteId, @Id, @Version, @Kind, @Target, @IntervalSeconds, @Schedule, @TimeZone, @TimeoutSeconds, {JsonValue("@Parameters")}, @Enabled, @Now, @TemplateId)
              """
            : $"""
              UPDATE probe_definitions SET version = @Version, kind = @Kind, target = @Target, interval_seconds = @IntervalSeconds,
                  schedule = @Schedule, time_zone = @TimeZone, timeout_seconds = @TimeoutSeconds, parameters = {JsonValue("@Parameters")},
                  enabled = @Enabled, updated_at = @Now, deleted_at = NULL, template_id = @TemplateId
              WHERE site_id = @SiteId AND id = @Id
              """;
        await connection.ExecuteAsync(new CommandDefinition(sql, values, transaction, cancellationToken: cancellationToken));
    }

    private static bool SameAs(ProbeDefinitionRow row, ProbeDefinitionDraft draft) =>
        row.Kind == draft.Kind && row.Target == draft.Target && row.IntervalSeconds == draft.IntervalSeconds && row.Cron == draft.Cron
        && row.TimeZone == draft.TimeZone && row.TimeoutSeconds == draft.TimeoutSeconds && row.Enabled == draft.Enabled
        && row.Parameters.Count == draft.Parameters.Count
        && row.Parameters.All(p => draft.Parameters.TryGetValue(p.Key, out var value) && value == p.Value);

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
        public required string Id { get; init; }

        public required int Version { get; init; }

        public string? DeletedAt { get; init; }

        public string? TemplateId { get; init; }
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

        public string? TemplateId { get; init; }

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
            TemplateId = TemplateId,
        };
    }
}
