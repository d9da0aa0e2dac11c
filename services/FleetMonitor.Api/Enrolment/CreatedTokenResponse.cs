namespace FleetMonitor.Api.Enrolment;

/// <summary>A new token: the only time the token itself is shown.</summary>
public sealed record CreatedTokenResponse(string Id, string SiteId, string Token, DateTimeOffset ExpiresAt, int MaxUses);
