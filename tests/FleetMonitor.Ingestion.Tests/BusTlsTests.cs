using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FleetMonitor.ServiceDefaults;

namespace FleetMonitor.Ingestion.Tests;

/// <summary>With a configured CA, the broker's certificate must chain to that CA and name the host.</summary>
public sealed class BusTlsTests
{
    [Fact]
    public void Only_a_certificate_from_the_configured_CA_naming_the_host_is_trusted()
    {
        using var ca = MakeCa("CN=broker CA");
        using var other = MakeCa("CN=someone else");
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        using var server = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);

        Assert.True(BusTls.IsTrusted(server, SslPolicyErrors.None, ca));
        Assert.False(BusTls.IsTrusted(server, SslPolicyErrors.None, other));
        Assert.False(BusTls.IsTrusted(server, SslPolicyErrors.RemoteCertificateNameMismatch, ca));
        Assert.False(BusTls.IsTrusted(null, SslPolicyErrors.RemoteCertificateNotAvailable, ca));
        Assert.Null(BusTls.Validation(null));
    }

    private static X509Certificate2 MakeCa(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = TimeProvider.System.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
    }
}
