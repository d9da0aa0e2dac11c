using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>
/// The Api on a real Kestrel port and Debian's Chromium driven by Playwright (never a downloaded browser); screenshots
/// go to TestResults/screenshots of this test project (tests/FleetMonitor.Api.Tests/TestResults/screenshots).
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly ApiFactory _factory;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(ApiFactory factory, IPlaywright playwright, IBrowser browser, string address)
    {
        _factory = factory;
        _playwright = playwright;
        _browser = browser;
        Address = address;
    }

    public string Address { get; }

    public static async Task<BrowserSession> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string>? settings = null)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing; install it with: apt-get install -y chromium");
        var factory = new ApiFactory(database, settings);
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Playwright's default is 30 s; a busy machine can take longer to start Chromium.
            Timeout = 120_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return new BrowserSession(factory, playwright, browser, address);
    }

    /// <summary>A fresh browser context (its own cookies) with one page, at phone or desktop width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = "Europe/Berlin",
        });
        context.SetDefaultTimeout(90_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Waits until the page's address has the path <paramref name="path"/> followed by a query. Playwright's
    /// <c>WaitForURLAsync</c> is not used: once the address matches it checks whether the page has loaded and only then
    /// subscribes to the load event, and a load that lands in between is never seen (microsoft/playwright-dotnet#3364),
    /// which a busy machine turned into a 90 s timeout. The URL assertion polls the address in the browser instead;
    /// what a test does next waits for the elements it needs.
    /// </summary>
    public static Task WaitForPathAsync(IPage page, string path) =>
        Assertions.Expect(page).ToHaveURLAsync(new Regex($"^[^?#]*{Regex.Escape(path)}\\?"), new() { Timeout = 90_000 });

    public static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.GotoAsync("/");
        await WaitForPathAsync(page, "/login");
        await page.FillAsync("#username", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await page.WaitForFunctionAsync("() => (document.getElementById('user-role')?.textContent ?? '').length > 0");
    }

    /// <summary>Signs in through the OpenID Connect provider's page as <paramref name="account"/>; back on the dashboard when it returns.</summary>
    public static async Task SignInWithOidcAsync(IPage page, string account)
    {
        await page.GotoAsync("/");
        await WaitForPathAsync(page, "/login");
        await page.ClickAsync("#oidc-sign-in");
        await page.FillAsync("#oidc-account", account);
        await page.ClickAsync("#oidc-submit");
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(ProjectFolder(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _factory.DisposeAsync();
    }

    private static string ProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FleetMonitor.Api.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
