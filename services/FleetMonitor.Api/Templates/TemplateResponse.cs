namespace FleetMonitor.Api.Templates;

/// <summary>A template with the variables its definitions use and the sites it is applied to.</summary>
public sealed record TemplateResponse(
    string Id,
    string Name,
    string Description,
    long Version,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<TemplateDefinition> Definitions,
    IReadOnlyList<string> Variables,
    IReadOnlyList<string> Sites);
