using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Reflector.Auth;

/// <summary>One agent's short-term credential for the Reflector's authenticated services (STUN CHANGE-REQUEST, connect-back scan).</summary>
public sealed class AgentCredential
{
    [Required]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    public string Username { get; set; } = "";

    /// <summary>Printable ASCII (the STUN short-term key is its bytes), at least 16 characters.</summary>
    [Required]
    [RegularExpression("^[\\x21-\\x7E]{16,128}$")]
    public string Password { get; set; } = "";
}
