using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;

namespace FleetMonitor.Ingestion;

/// <summary>Counts every message that ends in an error queue, by queue and reason.</summary>
public sealed class RejectedMessageObserver(IngestionMetrics metrics) : IReceiveObserver
{
    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class
    {
        metrics.MessageRejected(QueueOf(context.ReceiveContext), Reason(exception));
        return Task.CompletedTask;
    }

    public Task ReceiveFault(ReceiveContext context, Exception exception)
    {
        metrics.MessageRejected(QueueOf(context), Reason(exception));
        return Task.CompletedTask;
    }

    internal static string Reason(Exception exception) => exception switch
    {
        InvalidMessageException => "invalid",
        Identity.ImpersonationException => "impersonation",
        SerializationException or JsonException => "malformed",
        _ when exception.InnerException is JsonException or SerializationException => "malformed",
        _ => "error",
    };

    private static string QueueOf(ReceiveContext context) => context.InputAddress.AbsolutePath.Trim('/').Split('/')[^1];
}
