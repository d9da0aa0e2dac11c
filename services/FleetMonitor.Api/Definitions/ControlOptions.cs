using System.ComponentModel.DataAnnotations;

namespace FleetMonitor.Api.Definitions;

/// <summary>
/// How the Api reaches agents (<c>Control:...</c>): the broker it sends schedules and commands through, and the
/// management API it makes agents' broker users with. Without a broker, definitions are stored but not delivered.
/// </summary>
public sealed class ControlOptions
{
    public const string SectionName = "Control";

    /// <summary>The Api's own AMQP URI with credentials (amqp:// or amqps://); empty: no delivery.</summary>
    public string? BrokerUri { get; set; }

    /// <summary>The AMQP URI given to enrolled agents, without credentials (each agent gets its own).</summary>
    public string? AgentBrokerUri { get; set; }

    /// <summary>The RabbitMQ management API (http://host:15672/), used to make and delete agents' broker users.</summary>
    public string? ManagementUri { get; set; }

    public string? ManagementUser { get; set; }

    public string? ManagementPassword { get; set; }

    /// <summary>The Reflector's base URL and STUN address written into an enrolled agent's configuration, when set.</summary>
    public string? ReflectorUrl { get; set; }

    /// <summary>How long a new enrolment token is valid when the request does not say.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromDays(7);
}
