using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FleetMonitor.Contracts;

namespace FleetMonitor.Probes.Tls;

/// <summary>
/// Judges server certificates for the tcp and http probes, one inspector per run. Its validation callback records what
/// it saw (policy errors, chain status, dates) as a verdict, then refuses the certificates a phone would refuse, so no
/// request goes to a server that failed; the probe reports the verdict rather than a bare handshake failure.
/// </summary>
internal sealed class TlsInspector : IDisposable
{
    /// <summary>Certificates ending sooner than this many days make the run Degraded unless <c>min_days</c> says otherwise.</summary>
    public const int DefaultMinDays = 14;

    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    // Time validity is judged on its own (expired, not yet valid); everything else wrong with the chain means untrusted.
    private const X509ChainStatusFlags TimeFlags = X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested;

    private readonly TimeProvider _timeProvider;
    private readonly X509Certificate2Collection _extraRoots;
    private readonly int _minDays;
    private readonly Lock _gate = new();
    private readonly Dictionary<object, TlsCertificateVerdict> _verdicts = new(ReferenceEqualityComparer.Instance);
    private readonly List<TlsCertificateVerdict> _all = [];

    private TlsInspector(TimeProvider timeProvider, X509Certificate2Collection extraRoots, int minDays)
    {
        _timeProvider = timeProvider;
        _extraRoots = extraRoots;
        _minDays = minDays;
    }

    /// <summary>Pass as the handshake's <c>RemoteCertificateValidationCallback</c>.</summary>
    public RemoteCertificateValidationCallback ValidationCallback => Validate;

    /// <summary>The verdict of the latest handshake, which is the one that just failed when a handshake throws.</summary>
    public TlsCertificateVerdict? LastVerdict
    {
        get
        {
            lock (_gate)
                return _all.LastOrDefault();
        }
    }

    /// <summary>Every verdict recorded so far, in handshake order.</summary>
    public IReadOnlyList<TlsCertificateVerdict> Verdicts
    {
        get
        {
            lock (_gate)
                return [.. _all];
        }
    }

    /// <summary>
    /// Reads the TLS parameters: <c>min_days</c> (default 14) and <c>ca_file</c> (PEM roots trusted besides the system's,
    /// for private PBX CAs). Returns an error sentence instead of an inspector when a parameter is unusable.
    /// </summary>
    public static async Task<(TlsInspector? Inspector, string? Error)> CreateAsync(
        IReadOnlyDictionary<string, string> parameters, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var minDays = DefaultMinDays;
        if (parameters.TryGetValue("min_days", out var minDaysText)
            && (!int.TryParse(minDaysText, NumberStyles.None, CultureInfo.InvariantCulture, out minDays)))
        {
            return (null, $"min_days must be a whole number of days, not '{minDaysText}'");
        }

        var roots = new X509Certificate2Collection();
        if (parameters.TryGetValue("ca_file", out var caFile))
        {
            try
            {
                roots.ImportFromPem(await File.ReadAllTextAsync(caFile, cancellationToken));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                Dispose(roots);
                return (null, $"ca_file '{caFile}' could not be read: {e.Message}");
            }

            if (roots.Count == 0)
                return (null, $"ca_file '{caFile}' holds no PEM certificate");
        }

        return (new TlsInspector(timeProvider, roots, minDays), null);
    }

    /// <summary>The chain policy for the handshake itself: no certificate downloads and no revocation traffic.</summary>
    /// <remarks>Phones do not fetch missing intermediates either, so a server that omits them must show up as untrusted.</remarks>
    public static X509ChainPolicy HandshakeChainPolicy() => new()
    {
        RevocationMode = X509RevocationMode.NoCheck,
        DisableCertificateDownloads = true,
    };

    /// <summary>The verdict recorded for the handshake on <paramref name="stream"/>, with its protocol and cipher suite.</summary>
    public TlsSession Capture(SslStream stream)
    {
        TlsCertificateVerdict? verdict;
        lock (_gate)
            verdict = _verdicts.GetValueOrDefault(stream) ?? _all.LastOrDefault();
        return new TlsSession(ProtocolName(stream.SslProtocol), stream.NegotiatedCipherSuite.ToString(), verdict);
    }

    /// <summary>Adds the session's facts, its certificate's facts and findings.</summary>
    public static void Report(TlsSession session, ObservationBuilder observation)
    {
        observation.Fact("tls_protocol", session.Protocol);
        observation.Fact("tls_cipher", session.CipherSuite);
        if (session.Certificate is not null)
            Report(session.Certificate, observation);
    }

    /// <summary>Adds the certificate's facts, its days to expiry and its findings.</summary>
    public static void Report(TlsCertificateVerdict verdict, ObservationBuilder observation)
    {
        if (verdict.ServerName is not null)
            observation.Fact("tls_server_name", verdict.ServerName);
        if (verdict.Subject is not null)
            observation.Fact("tls_certificate_subject", verdict.Subject);
        if (verdict.Issuer is not null)
            observation.Fact("tls_certificate_issuer", verdict.Issuer);
        if (verdict.NotAfter is { } notAfter)
            observation.Fact("tls_certificate_not_after", notAfter.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (verdict.DaysToExpiry is { } days)
            observation.Measure("tls_days_to_expiry", Math.Round(days, 2));
        if (verdict.ChainStatus.Length > 0)
            observation.Fact("tls_chain_status", verdict.ChainStatus);
        AddFindings(verdict, observation);
    }

    /// <summary>Adds only the findings, for certificates seen on the way (redirect hops) whose facts are not reported.</summary>
    public static void AddFindings(TlsCertificateVerdict verdict, ObservationBuilder observation)
    {
        foreach (var finding in verdict.Findings)
            observation.Add(finding.Code, finding.Severity, finding.Message);
    }

    public void Dispose() => Dispose(_extraRoots);

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates)
            certificate.Dispose();
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var serverName = (sender as SslStream)?.TargetHostName;
        var verdict = Evaluate(serverName, certificate, chain, errors);
        lock (_gate)
        {
            _verdicts[sender] = verdict;
            _all.Add(verdict);
        }

        // A certificate near expiry still works (Degraded); anything Failed is refused, as the phone would.
        return !verdict.Rejected;
    }

    private TlsCertificateVerdict Evaluate(string? serverName, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return new TlsCertificateVerdict
            {
                ServerName = serverName,
                Findings = [new TlsFinding(FindingCodes.TlsHandshakeFailed, ProbeOutcome.Failed, "the server sent no certificate")],
            };
        }

        var owned = certificate as X509Certificate2 is null ? new X509Certificate2(certificate) : null;
        try
        {
            return Evaluate(serverName, owned ?? (X509Certificate2)certificate, chain, errors);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private TlsCertificateVerdict Evaluate(string? serverName, X509Certificate2 leaf, X509Chain? presented, SslPolicyErrors errors)
    {
        var now = _timeProvider.GetUtcNow();
        var notBefore = new DateTimeOffset(leaf.NotBefore);
        var notAfter = new DateTimeOffset(leaf.NotAfter);
        var daysToExpiry = (notAfter - now).TotalDays;
        var findings = new List<TlsFinding>();

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            findings.Add(new TlsFinding(FindingCodes.TlsNameMismatch, ProbeOutcome.Failed,
                $"the certificate ({leaf.Subject}) is not valid for {serverName}"));
        }

        // The chain is built again rather than taken from the handshake: on the probe's clock, and once more with the
        // ca_file roots when the system store alone does not trust it (ca_file adds roots, it does not replace them).
        var status = BuildChain(leaf, presented, now, customTrust: false);
        if ((status & ~TimeFlags) != X509ChainStatusFlags.NoError && _extraRoots.Count > 0)
            status = BuildChain(leaf, presented, now, customTrust: true);

        var expired = false;
        if (notBefore > now)
        {
            findings.Add(new TlsFinding(FindingCodes.TlsCertificateNotYetValid, ProbeOutcome.Failed,
                $"the certificate is not valid before {notBefore.UtcDateTime:u}"));
        }
        else if (notAfter < now)
        {
            expired = true;
            findings.Add(new TlsFinding(FindingCodes.TlsCertificateExpired, ProbeOutcome.Failed,
                $"the certificate expired on {notAfter.UtcDateTime:u}"));
        }
        else if ((status & TimeFlags) != X509ChainStatusFlags.NoError)
        {
            expired = true;
            findings.Add(new TlsFinding(FindingCodes.TlsCertificateExpired, ProbeOutcome.Failed,
                "a certificate in the chain is outside its validity period"));
        }

        var untrusted = status & ~TimeFlags;
        if (untrusted != X509ChainStatusFlags.NoError)
        {
            findings.Add(new TlsFinding(FindingCodes.TlsChainUntrusted, ProbeOutcome.Failed,
                $"the certificate chain is not trusted ({untrusted})"));
        }

        if (!expired && daysToExpiry < _minDays)
        {
            findings.Add(new TlsFinding(FindingCodes.TlsCertificateExpiring, ProbeOutcome.Degraded,
                $"the certificate expires in {daysToExpiry:F1} days ({notAfter.UtcDateTime:u}), less than {_minDays}"));
        }

        return new TlsCertificateVerdict
        {
            ServerName = serverName,
            Subject = leaf.Subject,
            Issuer = leaf.Issuer,
            NotAfter = notAfter,
            DaysToExpiry = daysToExpiry,
            ChainStatus = status == X509ChainStatusFlags.NoError ? "" : status.ToString(),
            Findings = findings,
        };
    }

    private X509ChainStatusFlags BuildChain(X509Certificate2 leaf, X509Chain? presented, DateTimeOffset now, bool customTrust)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.LocalDateTime;
        policy.ApplicationPolicy.Add(new Oid(ServerAuthenticationOid));
        if (presented is not null)
        {
            // The intermediates the server sent, which the handshake's chain holds in its extra store and elements.
            policy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
                policy.ExtraStore.Add(element.Certificate);
        }

        if (customTrust)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_extraRoots);
        }

        chain.Build(leaf);
        var status = X509ChainStatusFlags.NoError;
        foreach (var element in chain.ChainStatus)
            status |= element.Status;
        return status;
    }

    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };
}
