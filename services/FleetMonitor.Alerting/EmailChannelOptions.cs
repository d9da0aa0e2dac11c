using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Alerting;

/// <summary>E-mail over SMTP (MailKit). Empty host: not used. The password is a secret, never logged.</summary>
public sealed class EmailChannelOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary><c>None</c>, <c>Auto</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c> (MailKit's SecureSocketOptions).</summary>
    [RegularExpression("^(None|Auto|StartTls|StartTlsWhenAvailable|SslOnConnect)$")]
    public string Security { get; set; } = "StartTlsWhenAvailable";

    [EmailAddress]
    public string? From { get; set; }

    public List<string> To { get; set; } = [];

    public string? Username { get; set; }

    public string? Password { get; set; }
}
