namespace FleetMonitor.Probes.Nat;

/// <summary>
/// The bounded binding lifetime search (RFC 5780 §4.6, run in parallel instead of RFC 5780's sequential binary search).
/// </summary>
/// <remarks>
/// <para>RFC 5780's binary search needs one full wait per step: finding a 120 s lifetime to within 7.5 s takes about
/// four sequential waits of up to two minutes each. Instead the probe opens all its trials at once: trial i binds its
/// own socket (one Binding request, which creates the mapping), stays idle for wait Ti, then a second socket asks the
/// Reflector (authenticated) to answer to the first socket's mapped port with RESPONSE-PORT. The first socket
/// receiving that response means the binding outlived Ti. Each trial creates and tests its own binding, so no trial's
/// traffic refreshes another's, and the whole search ends after the longest wait: bounded by the window, never by the
/// lifetime it finds.</para>
/// <para>The waits are the window W (<c>max_lifetime_s</c>, shortened to fit the probe's deadline) times 1/16, 1/8,
/// 1/4, 3/8, 1/2, 3/4 and 1, plus <c>keepalive_s</c> when it lies inside the window, so that "shorter than the
/// keep-alive" is always decided exactly. For W = 120 s: 7.5, 15, 30, 45, 60, 90, 120 s (seven trials, 14 sockets,
/// about 16 transactions). The result is the longest wait of the unbroken run of survivors from the shortest (a lower
/// bound) and the first wait that found the binding gone (an upper bound); the resolution is the gap between
/// neighbouring waits, about a quarter of the value found. A check that leaves more than <see cref="Lateness"/> after
/// its planned time is not counted.</para>
/// </remarks>
internal static class BindingLifetimeSearch
{
    private static readonly double[] Fractions = [1.0 / 16, 1.0 / 8, 1.0 / 4, 3.0 / 8, 1.0 / 2, 3.0 / 4, 1];

    /// <summary>The shortest wait worth a trial: below it, the trial's own round trips blur the answer.</summary>
    public static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How late a trial's check may leave and still count for its planned wait: half a second or 5 % of the wait,
    /// whichever is more. A later check is discarded (its trial unknown) rather than credited with a wait it did not
    /// have, so that the reported bounds stay the planned waits (and <c>keepalive_s</c> stays decided exactly).
    /// </summary>
    public static TimeSpan Lateness(TimeSpan wait)
    {
        var share = wait / 20;
        return share > TimeSpan.FromMilliseconds(500) ? share : TimeSpan.FromMilliseconds(500);
    }

    /// <summary>The waits to try, shortest first, in whole tenths of a second.</summary>
    public static IReadOnlyList<TimeSpan> Waits(TimeSpan window, TimeSpan keepalive)
    {
        if (window < ShortestWait)
            return [];
        var waits = new SortedSet<TimeSpan>();
        foreach (var fraction in Fractions)
            waits.Add(Tenths(window * fraction));
        if (keepalive > TimeSpan.Zero && keepalive < window)
            waits.Add(Tenths(keepalive));
        waits.RemoveWhere(w => w < ShortestWait);
        return [.. waits];
    }

    /// <summary>What the trials say, or null when none of them gave a conclusive answer.</summary>
    public static BindingLifetime? Interpret(TimeSpan window, IEnumerable<LifetimeTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var known = trials.Where(t => t.Alive is not null).OrderBy(t => t.Wait).ToList();
        if (known.Count == 0)
            return null;

        var atLeast = TimeSpan.Zero;
        TimeSpan? below = null;
        var consistent = true;
        foreach (var trial in known)
        {
            if (trial.Alive == true)
            {
                if (below is null)
                    atLeast = trial.Wait;
                else
                    consistent = false;
            }
            else
            {
                below ??= trial.Wait;
            }
        }

        return new BindingLifetime(window, atLeast, below, consistent);
    }

    private static TimeSpan Tenths(TimeSpan value) => TimeSpan.FromMilliseconds(Math.Round(value.TotalMilliseconds / 100) * 100);
}
