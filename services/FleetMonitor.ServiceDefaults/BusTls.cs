using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace FleetMonitor.ServiceDefaults;

/// <summary>
/// Server-certificate checks for AMQP over TLS: the machine's trust store, or, with
/// <see cref="BusOptions.TlsCaCertificatePath"/>, only that CA (a private CA for the broker). The host name is always checked.
/// </summary>
public static class BusTls
{
    public static RemoteCertificateValidationCallback? Validation(string? caCertificatePath)
    {
        if (string.IsNullOrEmpty(caCertificatePath))
        {
            return null;
        }

        var ca = X509CertificateLoader.LoadCertificateFromFile(caCertificatePath);
        return (_, certificate, _, errors) => IsTrusted(certificate, errors, ca);
    }

    /// <summary>True when the certificate names the host and chains to <paramref name="ca"/> alone.</summary>
    public static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }
}
