namespace FleetMonitor.Probes.Tests.Stun;

/// <summary>How <see cref="StunFuzzer"/> made an input.</summary>
internal enum StunMutation
{
    Unchanged,
    RandomBytes,
    RandomAttributes,
    BitFlips,
    Truncate,
    TruncateAndFixLength,
    HeaderLengthEdit,
    AttributeLengthEdit,
    Splice,
    ValueOverwrite,
    AppendGarbage,
}
