using System.Net;

namespace FleetMonitor.Probes.Nat;

/// <summary>Everything the NAT probe's tests saw, before any judgement: the input of <see cref="NatClassifier"/>.</summary>
internal sealed record NatObservations
{
    /// <summary>The local address and port of the mapping test's socket.</summary>
    public required IPEndPoint Local { get; init; }

    /// <summary>How test I (a plain Binding request to the primary address and port) ended.</summary>
    public StunTestResult Test1 { get; init; } = StunTestResult.NotRun;

    /// <summary>A sentence about an error answer to test I.</summary>
    public string? Test1Error { get; init; }

    /// <summary>Transmissions of test I (for the no-response message).</summary>
    public int Test1Transmissions { get; init; }

    /// <summary>X1: XOR-MAPPED-ADDRESS of test I.</summary>
    public IPEndPoint? Mapped1 { get; init; }

    /// <summary>The server's OTHER-ADDRESS (Ca:Cp) from test I; null when the server does not do RFC 5780.</summary>
    public IPEndPoint? OtherAddress { get; init; }

    /// <summary>Mapping test II: to the alternate address, primary port.</summary>
    public StunTestResult Mapping2 { get; init; } = StunTestResult.NotRun;

    public IPEndPoint? Mapped2 { get; init; }

    /// <summary>Mapping test III: to the alternate address and port.</summary>
    public StunTestResult Mapping3 { get; init; } = StunTestResult.NotRun;

    public IPEndPoint? Mapped3 { get; init; }

    /// <summary>Filtering test II: CHANGE-REQUEST change-IP and change-port, from a socket that only ever sent to the primary.</summary>
    public StunTestResult FilteringChangeIpAndPort { get; init; } = StunTestResult.NotRun;

    /// <summary>Filtering test III: CHANGE-REQUEST change-port, from the same socket.</summary>
    public StunTestResult FilteringChangePort { get; init; } = StunTestResult.NotRun;

    /// <summary>Hairpinning: a request from a second socket to the mapping test's mapped address.</summary>
    public StunTestResult Hairpin { get; init; } = StunTestResult.NotRun;

    /// <summary>A MAPPED-ADDRESS that differed from the XOR-MAPPED-ADDRESS of the same response, if any did.</summary>
    public IPEndPoint? AlgMappedAddress { get; init; }

    /// <summary>The binding lifetime search's result; null when it did not run or nothing in it was conclusive.</summary>
    public BindingLifetime? Lifetime { get; init; }

    /// <summary>Why the lifetime search did not run or found nothing, when it did not.</summary>
    public string? LifetimeSkipped { get; init; }

    /// <summary>The window the lifetime search had when the probe's timeout left less than <c>max_lifetime_s</c>; null when it had all of it.</summary>
    public TimeSpan? LifetimeShortened { get; init; }

    /// <summary>The longest idle time asked for (<c>max_lifetime_s</c>).</summary>
    public TimeSpan MaxLifetime { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Whether the lifetime search's RESPONSE-PORT requests were refused with 401.</summary>
    public bool LifetimeUnauthorized { get; init; }

    /// <summary>The routers answering at TTL 1, 2, ... on the way to the server (null where none did): <see cref="NatPathTrace"/>.</summary>
    public IReadOnlyList<IPAddress?> PathHops { get; init; } = [];

    /// <summary>The keep-alive interval a binding must outlive (<c>keepalive_s</c>).</summary>
    public TimeSpan Keepalive { get; init; } = TimeSpan.FromSeconds(30);
}
