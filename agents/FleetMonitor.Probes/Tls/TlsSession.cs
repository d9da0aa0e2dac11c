namespace FleetMonitor.Probes.Tls;

/// <summary>A completed handshake as the probes report it: protocol, cipher suite and the certificate verdict.</summary>
internal sealed record TlsSession(string Protocol, string CipherSuite, TlsCertificateVerdict? Certificate);
