namespace FleetMonitor.Reflector.Echo;

/// <summary>What the echo's rate limiter says about one more packet from a source.</summary>
internal enum RateDecision
{
    Allowed,
    RateLimited,
    TooManySources,
}
