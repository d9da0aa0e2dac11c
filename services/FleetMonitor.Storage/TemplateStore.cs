using Dapper;

namespace FleetMonitor.Storage;

/// <summary>Reads and writes <c>probe_templates</c> and reads <c>site_templates</c> (written with the site's definitions by <see cref="ScheduleStore"/>).</summary>
public sealed class TemplateStore(Database database, TimeProvider timeProvider)
{
    private string Columns => $"""
        SELECT id AS Id, name AS Name, description AS Description, {JsonText("definitions")} AS Definitions, version AS Version, updated_at AS UpdatedAt
        FROM probe_templates
        """;

    private string ApplicationColumns => $"""
        SELECT site_id AS SiteId, template_id AS TemplateId, {JsonText("settings")} AS Settings, template_version AS TemplateVersion, applied_at AS AppliedAt
        FROM site_templates
        """;

    public async Task<IReadOnlyList<ProbeTemplateRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<ProbeTemplateRow>(new CommandDefinition(Columns + " ORDER BY id", cancellationToken: cancellationToken))).AsList();
    }

    public async Task<ProbeTemplateRow?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ProbeTemplateRow>(new CommandDefinition(
            Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Creates or replaces a template (its version grows by one); with <paramref name="onlyIfAbsent"/> an existing one is left as it is.</summary>
    public async Task<ProbeTemplateRow> SaveAsync(string id, string name, string description, string definitionsJson, bool onlyIfAbsent, CancellationToken cancellationToken)
    {
        var conflict = onlyIfAbsent
            ? "DO NOTHING"
            : "DO UPDATE SET name = excluded.name, description = excluded.description, definitions = excluded.definitions, version = probe_templates.version + 1, updated_at = excluded.updated_at";
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO probe_templates (id, name, description, definitions, version, updated_at)
            VALUES (@Id, @Name, @Description, {JsonValue("@Definitions")}, 1, @Now)
            ON CONFLICT (id) {conflict}
            """,
            new { Id = id, Name = name, Description = description, Definitions = definitionsJson, Now = timeProvider.GetUtcNow() },
            cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<ProbeTemplateRow>(new CommandDefinition(Columns + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>Deletes a template that no site uses; false when there is none or a site still uses it.</summary>
    public async Task<bool> DeleteUnusedAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM probe_templates WHERE id = @Id AND NOT EXISTS (SELECT 1 FROM site_templates WHERE template_id = @Id)",
            new { Id = id }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Where the template is applied (all sites when <paramref name="siteId"/> is null) or which templates a site uses.</summary>
    public async Task<IReadOnlyList<SiteTemplateRow>> ListApplicationsAsync(string? templateId, string? siteId, CancellationToken cancellationToken)
    {
        var where = (templateId, siteId) switch
        {
            (null, null) => "",
            (_, null) => " WHERE template_id = @TemplateId",
            (null, _) => " WHERE site_id = @SiteId",
            _ => " WHERE template_id = @TemplateId AND site_id = @SiteId",
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<SiteTemplateRow>(new CommandDefinition(
            ApplicationColumns + where + " ORDER BY site_id, template_id",
            new { TemplateId = templateId, SiteId = siteId }, cancellationToken: cancellationToken))).AsList();
    }

    private string JsonText(string column) => database.Dialect == StorageDialect.PostgreSql ? $"{column}::text" : column;

    private string JsonValue(string parameter) => database.Dialect == StorageDialect.PostgreSql ? $"CAST({parameter} AS jsonb)" : parameter;
}
