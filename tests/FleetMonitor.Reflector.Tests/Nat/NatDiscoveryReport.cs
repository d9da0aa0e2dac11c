namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>
/// What coturn's <c>turnutils_natdiscovery</c> printed, read into our fact values: <see cref="Mapping"/> and
/// <see cref="Filtering"/> (<c>endpoint_independent</c>, <c>address_dependent</c>, <c>address_and_port_dependent</c>, or
/// null when it printed no verdict), whether it said "No NAT!", and the raw output.
/// </summary>
internal sealed record NatDiscoveryReport(string? Mapping, string? Filtering, bool NoNat, string Output)
{
    /// <summary>Binding responses it printed ("RFC 5780 response N").</summary>
    public int Responses => Output.Split('\n').Count(l => l.StartsWith("RFC 5780 response", StringComparison.Ordinal));

    /// <summary>Whether its hairpinning test received its own request back.</summary>
    public bool HairpinReceived => Output.Contains("Received a request", StringComparison.Ordinal);

    /// <summary>Error responses it printed ("The response is an error 401 (...)").</summary>
    public bool SawError(int code) => Output.Contains($"The response is an error {code}", StringComparison.Ordinal);

    public static NatDiscoveryReport Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new NatDiscoveryReport(
            Verdict(output, "Mapping"), Verdict(output, "Filtering"), output.Contains("No NAT!", StringComparison.Ordinal), output);
    }

    private static string? Verdict(string output, string axis)
    {
        // Longest first: "Address and Port Dependent" contains "Address ... Dependent" wording of its own.
        (string Text, string Value)[] kinds =
        [
            ($"NAT with Address and Port Dependent {axis}!", "address_and_port_dependent"),
            ($"NAT with Address Dependent {axis}!", "address_dependent"),
            ($"NAT with Endpoint Independent {axis}!", "endpoint_independent"),
        ];
        return kinds.FirstOrDefault(k => output.Contains(k.Text, StringComparison.Ordinal)).Value;
    }
}
