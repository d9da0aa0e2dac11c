namespace FleetMonitor.Probes.Nat;

/// <summary>How one STUN test of the NAT probe ended.</summary>
public enum StunTestResult
{
    /// <summary>Not run (an earlier test made it pointless or impossible).</summary>
    NotRun,

    /// <summary>The answer arrived, where and from whom the test expected.</summary>
    Received,

    /// <summary>No answer after enough transmissions to rule out a lost packet (<see cref="RetransmissionSchedule.IsConclusive"/>).</summary>
    NoResponse,

    /// <summary>No answer, but the deadline stopped the retransmissions too early to conclude.</summary>
    Inconclusive,

    /// <summary>The server answered 401: the request needed (other) credentials.</summary>
    Unauthorized,

    /// <summary>The server answered another error (400, 420, ...).</summary>
    ErrorResponse,

    /// <summary>A success came from an address or port other than the CHANGE-REQUEST asked for: the server ignored it.</summary>
    WrongSource,
}
