using System.Diagnostics;
using System.Net;
using FleetMonitor.Contracts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>The dashboard in Debian's Chromium against the Api on a real Kestrel port: the page's script must fetch and render the fleet.</summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string HostileSite = "home-mallory";
    private const string HostileAgent = "<img src=x onerror=document.title='pwned'>";
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Dashboard_renders_the_seeded_fleet_in_a_real_browser()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; install it with: apt-get install -y chromium");

        // An agent whose id is markup: it must come out as text, not as an element.
        var hostile = SeedData.Result(Guid.CreateVersion7(SeedData.Start), HostileAgent, HostileSite, "probe-<b>x</b>", "tcp",
            "<script>alert(1)</script>", SeedData.Start, ProbeOutcome.Failed, new Dictionary<string, double>(), ["<i>finding</i>"]);
        using var database = await TestDatabase.CreateSeededAsync([hostile]);
        await using var factory = new ApiFactory(database);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();

        var dom = await DumpDomAsync(address + "/");

        Assert.Contains(SeedData.AlicePc, dom, StringComparison.Ordinal);
        Assert.Contains(SeedData.BobLaptop, dom, StringComparison.Ordinal);
        Assert.Contains(SeedData.PbxProbe, dom, StringComparison.Ordinal);
        Assert.Contains(SeedData.PbxTarget, dom, StringComparison.Ordinal);
        Assert.Contains("tls.certificate.expires_soon", dom, StringComparison.Ordinal);
        Assert.Contains("connect timed out after 5000 ms", dom, StringComparison.Ordinal);
        // The rendered rows carry their outcome, coloured by class.
        Assert.Contains($"data-agent=\"{SeedData.AlicePc}\" data-probe=\"{SeedData.PbxProbe}\" data-outcome=\"degraded\"", dom, StringComparison.Ordinal);
        Assert.Contains("class=\"outcome outcome-degraded\">degraded</span>", dom, StringComparison.Ordinal);
        Assert.Contains($"data-agent=\"{SeedData.BobPc}\" data-probe=\"{SeedData.MediaProbe}\" data-outcome=\"error\"", dom, StringComparison.Ordinal);
        Assert.Contains("class=\"outcome outcome-error\" title=\"socket permission denied\">error</span>", dom, StringComparison.Ordinal);
        // Summary bar: 2 ok, 1 degraded, 2 failed (one seeded, one hostile), 1 error.
        Assert.Contains("<span class=\"value\" id=\"count-failed\">2</span>", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<time id=\"last-updated\">never</time>", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"error-banner\" role=\"alert\" hidden", dom, StringComparison.Ordinal);
        // Escaped, not executed.
        Assert.Contains("&lt;img src=x onerror=document.title='pwned'&gt;", dom, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", dom, StringComparison.Ordinal);
        Assert.Contains("&lt;i&gt;finding&lt;/i&gt;", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=\"x\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("pwned</title>", dom, StringComparison.Ordinal);
    }

    private static async Task<string> DumpDomAsync(string url)
    {
        var profile = Directory.CreateTempSubdirectory("fleetmonitor-chromium-");
        try
        {
            var start = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", $"--user-data-dir={profile.FullName}", "--virtual-time-budget=8000", "--dump-dom", url])
            {
                start.ArgumentList.Add(argument);
            }

            using var browser = Process.Start(start) ?? throw new InvalidOperationException($"{Chromium} did not start.");
            var stdout = browser.StandardOutput.ReadToEndAsync();
            var stderr = browser.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(BrowserTimeout);
            try
            {
                await browser.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                browser.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish within {BrowserTimeout}: {await stderr}");
            }

            var dom = await stdout;
            Assert.True(browser.ExitCode == 0 && dom.Length > 0, $"Chromium exited with {browser.ExitCode}: {await stderr}");
            return dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
