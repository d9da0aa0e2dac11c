namespace FleetMonitor.Api.Alerts;

/// <summary>Body of acknowledge and resolve: why (optional). Who acts is the signed-in user, never a field of the body.</summary>
public sealed record AlertActionRequest(string? Comment);
