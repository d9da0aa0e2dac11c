using FleetMonitor.Contracts;
using FleetMonitor.ServiceDefaults;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace FleetMonitor.Ingestion.Results;

/// <summary>
/// Declares, before the relay publishes its first <see cref="ProbeStateChanged"/>, the durable queue the alerting
/// service consumes and its bindings, laid out exactly as MassTransit lays out a receive endpoint of that name:
/// message-type exchange <c>FleetMonitor.Contracts:ProbeStateChanged</c> → fanout exchange <c>alerting-state-changes</c>
/// → classic durable queue <c>alerting-state-changes</c> (no arguments). So no change is lost while the alerting
/// service has never started; when it starts, MassTransit finds the same topology. infra/rabbitmq/definitions.json
/// declares the same. Nothing to do on the in-memory transport (the embedded server).
/// </summary>
public sealed class AlertingQueueDeclaration(IOptions<BusOptions> bus)
{
    public const string QueueName = "alerting-state-changes";

    private volatile bool _declared;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var options = bus.Value;
        if (_declared || options.Transport != BusTransport.RabbitMq)
        {
            return;
        }

        var factory = new ConnectionFactory
        {
            HostName = options.Host,
            Port = options.Port,
            VirtualHost = options.VirtualHost,
            UserName = options.Username,
            Password = options.Password,
            ClientProvidedName = "fleetmonitor-ingestion-topology",
        };
        if (options.UseTls)
        {
            factory.Ssl = new SslOption(options.Host)
            {
                Enabled = true,
                CertificateValidationCallback = BusTls.Validation(options.TlsCaCertificatePath),
            };
        }

        // MassTransit's name for the message type's exchange: "<namespace>:<type>".
        var messageExchange = $"{typeof(ProbeStateChanged).Namespace}:{nameof(ProbeStateChanged)}";
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(messageExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(QueueName, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(QueueName, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(QueueName, QueueName, "", cancellationToken: cancellationToken);
        await channel.ExchangeBindAsync(QueueName, messageExchange, "", cancellationToken: cancellationToken);
        _declared = true;
    }
}
