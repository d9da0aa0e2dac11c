namespace FleetMonitor.Probes.Nat;

/// <summary>
/// What the binding lifetime search found: the binding outlived <see cref="AtLeast"/> idle, and (when a trial saw it
/// gone) died before <see cref="Below"/>. <see cref="Consistent"/> is false when a longer wait found it alive after a
/// shorter one found it gone (a NAT under load, a reboot: RFC 5780 §4.6 warns of such runs).
/// </summary>
internal sealed record BindingLifetime(TimeSpan Window, TimeSpan AtLeast, TimeSpan? Below, bool Consistent)
{
    /// <summary>Whether the binding is known to die before <paramref name="keepalive"/>, known not to, or unknown (null).</summary>
    public bool? ShorterThan(TimeSpan keepalive)
    {
        if (Below is { } below && below <= keepalive)
            return true;
        if (AtLeast >= keepalive)
            return false;
        return null;
    }
}
