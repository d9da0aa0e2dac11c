namespace FleetMonitor.Api.Templates;

/// <summary>A template as applied to one site: the definitions made there and the site's schedule version it led to.</summary>
public sealed record AppliedTemplateResponse(
    string SiteId,
    string TemplateId,
    long TemplateVersion,
    ApplyTemplateRequest Settings,
    IReadOnlyList<string> DefinitionIds,
    long? ScheduleVersion,
    bool? Delivered);
