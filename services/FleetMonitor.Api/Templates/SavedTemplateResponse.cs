namespace FleetMonitor.Api.Templates;

/// <summary>A saved template and, for each site it is applied to, the definitions made again from it.</summary>
public sealed record SavedTemplateResponse(TemplateResponse Template, IReadOnlyList<AppliedTemplateResponse> Sites);
