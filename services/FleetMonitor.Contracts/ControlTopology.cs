namespace FleetMonitor.Contracts;

/// <summary>Names of the control plane's RabbitMQ topology: the exchange that reaches agents and the agents' queues.</summary>
public static class ControlTopology
{
    /// <summary>Durable topic exchange the server sends schedules and commands to.</summary>
    public const string Exchange = "fleetmonitor.control";

    /// <summary>Routing key prefix of an agent's requests for its schedule, on the agents' exchange: <c>schedule-request.{siteId}</c>.</summary>
    public const string ScheduleRequestRoutingPrefix = "schedule-request";

    /// <summary>The durable queue of one agent.</summary>
    public static string AgentQueue(string agentId) => $"agent.{agentId}";

    /// <summary>Routing key reaching one agent.</summary>
    public static string AgentRoutingKey(string agentId) => $"agent.{agentId}";

    /// <summary>Routing key reaching every agent of a site.</summary>
    public static string SiteRoutingKey(string siteId) => $"site.{siteId}";
}
