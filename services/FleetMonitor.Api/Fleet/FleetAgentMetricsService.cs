using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Fleet;

/// <summary>Refreshes <see cref="FleetAgentMetrics"/> every <see cref="FleetOptions.MetricsInterval"/>.</summary>
internal sealed partial class FleetAgentMetricsService(
    FleetAgentMetrics metrics, TimeProvider timeProvider, IOptions<FleetOptions> options, ILogger<FleetAgentMetricsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MetricsInterval, timeProvider);
        do
        {
            try
            {
                await metrics.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRefreshFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the fleet metrics failed; the gauges keep their last values")]
    private partial void LogRefreshFailed(Exception exception);
}
