using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Api.Access;

/// <summary>Sign-in settings: the session's lifetime and whether a first admin is made when there is no user.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    /// <summary>When no user exists at start, make "admin" with a random password and print it once.</summary>
    public bool CreateFirstAdmin { get; set; } = true;

    /// <summary>How long a session cookie lasts without use (it is renewed while used).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);
}
