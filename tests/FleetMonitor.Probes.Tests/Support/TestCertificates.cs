using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FleetMonitor.Probes.Tests.Support;

/// <summary>A private test CA and leaves it issued (valid, expired, expiring, wrong host), with the CA written to a PEM file.</summary>
public sealed class TestCertificates : IDisposable
{
    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";

    public TestCertificates()
    {
        var now = TimeProvider.System.GetUtcNow();
        Ca = CreateCa(now);
        Valid = CreateLeaf("localhost", now.AddDays(-1), now.AddDays(90));
        Expired = CreateLeaf("localhost", now.AddDays(-60), now.AddDays(-2));
        Expiring = CreateLeaf("localhost", now.AddDays(-60), now.AddDays(5));
        WrongHost = CreateLeaf("pbx.wrong-name.test", now.AddDays(-1), now.AddDays(90));
        CaPemPath = Path.Combine(Path.GetTempPath(), $"fleetmonitor-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CaPemPath, Ca.ExportCertificatePem());
    }

    public X509Certificate2 Ca { get; }

    /// <summary>For <c>localhost</c>, 127.0.0.1 and ::1, valid for 90 more days.</summary>
    public X509Certificate2 Valid { get; }

    public X509Certificate2 Expired { get; }

    /// <summary>Valid, but ends in 5 days: inside the default 14-day warning.</summary>
    public X509Certificate2 Expiring { get; }

    /// <summary>Valid and trusted, for a name that is not localhost.</summary>
    public X509Certificate2 WrongHost { get; }

    public string CaPemPath { get; }

    public void Dispose()
    {
        File.Delete(CaPemPath);
        foreach (var certificate in new[] { Ca, Valid, Expired, Expiring, WrongHost })
            certificate.Dispose();
    }

    private static X509Certificate2 CreateCa(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=FleetMonitor Test PBX CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(now.AddDays(-365), now.AddDays(365));
        return Reload(ca);
    }

    private X509Certificate2 CreateLeaf(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthenticationOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        if (name == "localhost")
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca, notBefore, notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // Through PKCS#12 so the private key is usable by a TLS server on every platform, not only Linux.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
