namespace FleetMonitor.ServiceDefaults;

/// <summary>Which MassTransit transport a service uses.</summary>
public enum BusTransport
{
    /// <summary>In-process; the embedded all-in-one mode.</summary>
    InMemory,

    /// <summary>A RabbitMQ broker; production.</summary>
    RabbitMq,
}
