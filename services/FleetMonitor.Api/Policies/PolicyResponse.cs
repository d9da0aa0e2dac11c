using FleetMonitor.Alerting.Policies;

namespace FleetMonitor.Api.Policies;

/// <summary>A site's policy in force: a stored version, or the default (version 0) when none was saved.</summary>
public sealed record PolicyResponse(string SiteId, int Version, bool IsDefault, DateTimeOffset? CreatedAt, string? CreatedBy, AlertPolicy Policy);
