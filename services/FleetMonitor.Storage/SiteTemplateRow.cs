namespace FleetMonitor.Storage;

/// <summary>A template applied to a site, with the site's settings (JSON) and the template version last applied.</summary>
public sealed class SiteTemplateRow
{
    public required string SiteId { get; init; }

    public required string TemplateId { get; init; }

    public required string Settings { get; init; }

    public required long TemplateVersion { get; init; }

    public required DateTimeOffset AppliedAt { get; init; }
}
