namespace FleetMonitor.Api.Access;

/// <summary>The answer to <c>POST /api/tokens</c>: the only time the token itself is shown.</summary>
public sealed record CreatedTokenResponse(TokenResponse Info, string Token);
