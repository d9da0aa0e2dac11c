namespace FleetMonitor.Reflector.Exposure;

/// <summary>What <see cref="ScanAuthenticator"/> decided about a scan request.</summary>
internal enum AuthenticationResult
{
    Authenticated,
    Unauthenticated,
    Stale,
    Replayed,
    TooManyNonces,
}
