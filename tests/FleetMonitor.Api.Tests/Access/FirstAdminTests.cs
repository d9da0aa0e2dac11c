using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using FleetMonitor.Api.Access;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>A new installation has no user: the first start makes "admin" with a printed random password, later starts do not.</summary>
public sealed partial class FirstAdminTests
{
    [Fact]
    public async Task First_start_prints_an_admin_password_that_signs_in_and_a_second_start_prints_none()
    {
        using var database = await TestDatabase.CreateSeededAsync();
        var firstLog = new ConcurrentQueue<string>();
        await using (var first = WithLog(new ApiFactory(database, new Dictionary<string, string> { ["Access:CreateFirstAdmin"] = "true" }), firstLog))
        {
            using var browser = first.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            var line = Assert.Single(firstLog, l => l.Contains("created admin with the password", StringComparison.Ordinal));
            var password = PasswordInLog().Match(line).Groups[1].Value;
            Assert.True(password.Length >= 20, line);

            Assert.Equal(HttpStatusCode.Redirect, (await Sessions.SignInAsync(browser, "admin", password)).StatusCode);
            Assert.Equal("admin", (await Sessions.GetSessionAsync(browser)).GetProperty("role").GetString());
        }

        var secondLog = new ConcurrentQueue<string>();
        await using var second = WithLog(new ApiFactory(database, new Dictionary<string, string> { ["Access:CreateFirstAdmin"] = "true" }), secondLog);
        using var client = second.CreateClient();
        Assert.DoesNotContain(secondLog, l => l.Contains("password", StringComparison.Ordinal));
    }

    private static WebApplicationFactory<AuditLog> WithLog(ApiFactory factory, ConcurrentQueue<string> log) =>
        factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new ListLoggerProvider(log))));

    [GeneratedRegex(@"the password (\S+) ")]
    private static partial Regex PasswordInLog();

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
