namespace FleetMonitor.Reflector.Exposure;

/// <summary>What the nonce cache says about a request's nonce.</summary>
internal enum NonceResult
{
    Recorded,
    Replayed,
    Full,
}
