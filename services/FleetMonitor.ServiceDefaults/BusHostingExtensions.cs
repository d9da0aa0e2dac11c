using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FleetMonitor.ServiceDefaults;

/// <summary>Registers MassTransit 8 on the configured transport with kebab-case endpoints.</summary>
public static class BusHostingExtensions
{
    public static IHostApplicationBuilder AddFleetMonitorBus(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configureConsumers)
    {
        builder.Services.AddOptions<BusOptions>().BindConfiguration(BusOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(BusOptions.SectionName).Get<BusOptions>() ?? new BusOptions();

        builder.Services.AddMassTransit(x =>
        {
            // MassTransit would otherwise report usage data to an outside host at start.
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            configureConsumers(x);

            if (options.Transport == BusTransport.RabbitMq)
            {
                x.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
                    {
                        h.Username(options.Username);
                        h.Password(options.Password);
                        if (options.ClusterNodes.Count > 0)
                        {
                            // Tried in this order: the configured host, then the other nodes.
                            h.UseCluster(c =>
                            {
                                c.Node($"{options.Host}:{options.Port}");
                                foreach (var node in options.ClusterNodes)
                                {
                                    c.Node(node);
                                }
                            });
                        }

                        if (options.UseTls)
                        {
                            h.UseSsl(s =>
                            {
                                s.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                                s.ServerName = options.Host;
                                if (BusTls.Validation(options.TlsCaCertificatePath) is { } validate)
                                {
                                    s.CertificateValidationCallback = validate;
                                }
                            });
                        }
                    });
                    cfg.ConfigureEndpoints(context);
                });
            }
            else
            {
                x.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
        });
        return builder;
    }
}
