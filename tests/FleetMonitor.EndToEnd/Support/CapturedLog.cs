using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.EndToEnd.Support;

/// <summary>Keeps the last lines a host logged, so that a failing test can show what the service was doing.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private const int MaxLines = 400;
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public string Tail() => string.Join(Environment.NewLine, _lines);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > MaxLines && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var time = TimeProvider.System.GetUtcNow().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            var error = exception is null ? "" : $" | {exception.GetType().Name}: {exception.Message}";
            log.Add($"{time} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
