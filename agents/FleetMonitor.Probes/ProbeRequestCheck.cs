namespace FleetMonitor.Probes;

/// <summary>The checks every probe makes on a request before its own: a usable timeout, and no parameter the kind does not read.</summary>
internal static class ProbeRequestCheck
{
    /// <summary>Null when <paramref name="request"/> may run as <paramref name="kind"/>; otherwise the Error observation to return.</summary>
    public static ProbeObservation? Refuse(string kind, ProbeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ProbeDeadline.Validate(request.Timeout) is { } timeoutError)
            return ObservationBuilder.Invalid(FindingCodes.InvalidParameter, timeoutError);
        return ProbeKindSpecs.UnknownParameter(kind, request.Parameters.Keys) is { } unknown
            ? ObservationBuilder.Invalid(FindingCodes.InvalidParameter, unknown)
            : null;
    }
}
