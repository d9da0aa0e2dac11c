using FleetMonitor.Contracts;
using FleetMonitor.ServiceDefaults;
using MassTransit;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Declares, with the first <see cref="ProbeStateChanged"/> publish, the durable queue the alerting service consumes
/// (<c>alerting-state-changes</c>) and its binding, laid out as MassTransit lays out a receive endpoint of that name
/// (message-type exchange → fanout exchange <c>alerting-state-changes</c> → classic durable queue, no arguments), so no
/// change is lost while the alerting service has not started yet. infra/rabbitmq/definitions.json declares the same.
/// </summary>
internal sealed class StateChangeTopology : IRabbitMqTopologyContributor
{
    public const string AlertingQueue = "alerting-state-changes";

    public void Configure(IRabbitMqBusFactoryConfigurator configurator) =>
        configurator.Publish<ProbeStateChanged>(p => p.BindQueue(AlertingQueue, AlertingQueue));
}
