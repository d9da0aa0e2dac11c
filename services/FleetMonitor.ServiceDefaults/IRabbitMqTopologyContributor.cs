using MassTransit;

namespace FleetMonitor.ServiceDefaults;

/// <summary>
/// Broker topology a service adds to the bus when it runs on RabbitMQ (e.g. a durable queue bound for a consumer that
/// may not have started yet). Registered in the container; <see cref="BusHostingExtensions"/> applies every one.
/// </summary>
public interface IRabbitMqTopologyContributor
{
    void Configure(IRabbitMqBusFactoryConfigurator configurator);
}
