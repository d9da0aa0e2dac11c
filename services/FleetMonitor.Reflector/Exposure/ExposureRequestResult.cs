namespace FleetMonitor.Reflector.Exposure;

/// <summary>The <c>result</c> label values of <c>fleetmonitor_reflector_exposure_requests_total</c>.</summary>
internal static class ExposureRequestResult
{
    /// <summary>Authenticated, within the limits, scanned.</summary>
    public const string Scanned = "scanned";

    /// <summary>Not a well-formed request: bad JSON, a missing or malformed field, a query string.</summary>
    public const string Invalid = "invalid";

    /// <summary>The body carries a member the protocol does not have, such as an address to scan: refused whatever it is.</summary>
    public const string NamesTarget = "names_target";

    /// <summary>The body is larger than the protocol allows.</summary>
    public const string TooLarge = "too_large";

    /// <summary>Unknown user or wrong MAC.</summary>
    public const string Unauthenticated = "unauthenticated";

    /// <summary>The timestamp is too far from the Reflector's clock.</summary>
    public const string Stale = "stale";

    /// <summary>A nonce seen before.</summary>
    public const string Replayed = "replayed";

    /// <summary>The agent or the address has used its scans.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>A scan of that address is running, or the Reflector runs as many scans (or remembers as many nonces) as it may.</summary>
    public const string Busy = "busy";
}
