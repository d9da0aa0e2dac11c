namespace FleetMonitor.Ingestion.Identity;

/// <summary>How strictly agents' messages are tied to their sender (<c>Ingestion:Identity:...</c>).</summary>
public sealed class AgentIdentityOptions
{
    public const string SectionName = "Ingestion:Identity";

    /// <summary>
    /// Refuse every message not sent by an enrolled agent's broker user (no AMQP user_id, or a user no agent was
    /// enrolled with). Off by default so that agents configured by hand with a shared credential keep working; with it
    /// off, a message from an enrolled agent's user is still checked.
    /// </summary>
    public bool RequireEnrolledSender { get; set; }

    /// <summary>How long an identity looked up in the database is trusted (a revoked agent also loses its broker user at once).</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(5);
}
