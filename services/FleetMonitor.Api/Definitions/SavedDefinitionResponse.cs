namespace FleetMonitor.Api.Definitions;

/// <summary>The answer to a change: the definition, the site's new schedule version, and whether it was sent to the agents.</summary>
public sealed record SavedDefinitionResponse(DefinitionResponse Definition, long ScheduleVersion, bool Delivered);
