using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Tls;

/// <summary>What the inspector concluded about the certificate one server presented in one handshake.</summary>
internal sealed record TlsCertificateVerdict
{
    /// <summary>The name the client checked the certificate against (SNI or the address).</summary>
    public string? ServerName { get; init; }

    public string? Subject { get; init; }

    public string? Issuer { get; init; }

    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Days from now (the probe's clock) to the end date; negative when expired.</summary>
    public double? DaysToExpiry { get; init; }

    /// <summary>The chain status flags that are not clean, empty when the chain is valid.</summary>
    public string ChainStatus { get; init; } = "";

    public IReadOnlyList<TlsFinding> Findings { get; init; } = [];

    /// <summary>True when a finding fails the certificate, so the handshake was refused.</summary>
    public bool Rejected => Findings.Any(f => f.Severity == ProbeOutcome.Failed);
}
