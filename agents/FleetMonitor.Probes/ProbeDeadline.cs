namespace FleetMonitor.Probes;

/// <summary>Checks a request's timeout and turns it into a token that fires at the deadline or when the caller cancels.</summary>
internal static class ProbeDeadline
{
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    /// <summary>Null when usable; otherwise why not.</summary>
    public static string? Validate(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan || (timeout > TimeSpan.Zero && timeout <= Longest)
            ? null
            : $"timeout must be positive and at most {Longest}, not {timeout}";

    /// <summary>The timer source; dispose it with the linked source made from it.</summary>
    public static CancellationTokenSource Start(TimeSpan timeout, TimeProvider timeProvider) =>
        new(timeout, timeProvider);
}
