using FleetMonitor.Contracts;
using RabbitMQ.Client;

namespace FleetMonitor.Agent.Publishing;

/// <summary>Connections to the broker named by <see cref="BrokerOptions.Uri"/>, or to any node of its cluster.</summary>
internal static class BrokerEndpoints
{
    /// <summary>
    /// Connects to the URI's node or, with <see cref="BrokerOptions.ClusterNodes"/>, to the first of all the nodes that
    /// answers, in a random order (the client library shuffles the list).
    /// </summary>
    public static Task<IConnection> ConnectAsync(ConnectionFactory factory, BrokerOptions broker, CancellationToken cancellationToken)
    {
        if (broker.ClusterNodes.Count == 0)
        {
            return factory.CreateConnectionAsync(cancellationToken);
        }

        var endpoints = new List<AmqpTcpEndpoint> { factory.Endpoint };
        foreach (var node in broker.ClusterNodes)
        {
            if (!ClusterNodeAddress.TryParse(node, out var host, out var port))
            {
                throw new InvalidOperationException($"Agent:Broker:ClusterNodes: '{node}' is not host:port");
            }

            endpoints.Add(new AmqpTcpEndpoint(host, port, new SslOption(host, enabled: factory.Ssl.Enabled)
            {
                Version = factory.Ssl.Version,
                CertificateValidationCallback = factory.Ssl.CertificateValidationCallback,
            }));
        }

        return factory.CreateConnectionAsync(endpoints, cancellationToken);
    }
}
