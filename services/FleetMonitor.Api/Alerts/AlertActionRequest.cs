namespace FleetMonitor.Api.Alerts;

/// <summary>Body of acknowledge and resolve: who does it and why.</summary>
public sealed record AlertActionRequest(string? By, string? Comment);
