using System.Diagnostics;
using RabbitMQ.Client;

namespace FleetMonitor.Bench.Alerting;

/// <summary>
/// Publishes persistent messages at a steady rate with publisher confirms pipelined: up to <see cref="MaxInFlight"/>
/// messages await their confirm at once, and a confirm only frees a place for the next message, never holds a round
/// back. The channel must be created with <see cref="ChannelOptions"/>: RabbitMQ.Client's default limiter (128
/// outstanding confirms, delays of up to 1 s once half are taken) would otherwise pace the publisher itself.
/// </summary>
internal sealed class PipelinedPublisher(IChannel channel, string exchange, Func<long, (string RoutingKey, ReadOnlyMemory<byte> Body)> next)
{
    public const int MaxInFlight = 512;

    private long _confirmed;
    private long _failed;
    private long _windowFull;

    /// <summary>Publisher confirms on, tracked, limited only by this publisher's own window.</summary>
    public static CreateChannelOptions ChannelOptions => new(
        publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
        outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(4 * MaxInFlight));

    /// <summary>Messages handed to the broker (confirmed or still awaiting it).</summary>
    public long Sent { get; private set; }

    public long Confirmed => Interlocked.Read(ref _confirmed);

    /// <summary>Messages the broker refused (nack) or that failed on the connection.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>How often a message had to wait for a confirm to free a place in the window.</summary>
    public long WindowFull => Interlocked.Read(ref _windowFull);

    /// <summary>At the end of the run: how many messages the publisher was behind its schedule.</summary>
    public long BehindAtEnd { get; private set; }

    public string? LastError { get; private set; }

    public async Task RunAsync(TimeSpan duration, double messagesPerSecond, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) is var elapsed && elapsed < duration && !cancellationToken.IsCancellationRequested)
        {
            var due = (long)Math.Ceiling(elapsed.TotalSeconds * messagesPerSecond);
            while (Sent < due)
            {
                if (window.CurrentCount == 0)
                {
                    Interlocked.Increment(ref _windowFull);
                }

                await window.WaitAsync(cancellationToken);

                var (routingKey, body) = next(Sent);
                _ = PublishAsync(routingKey, body, window, cancellationToken);
                Sent++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        BehindAtEnd = Math.Max(0, (long)(duration.TotalSeconds * messagesPerSecond) - Sent);
        // Every message in flight confirmed (or failed) before the run counts as over.
        for (var i = 0; i < MaxInFlight; i++)
        {
            await window.WaitAsync(CancellationToken.None);
        }
    }

    private async Task PublishAsync(string routingKey, ReadOnlyMemory<byte> body, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            var properties = new BasicProperties { Persistent = true, ContentType = "application/json" };
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, body, cancellationToken);
            Interlocked.Increment(ref _confirmed);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failed);
            LastError = e.Message;
        }
        finally
        {
            window.Release();
        }
    }
}
