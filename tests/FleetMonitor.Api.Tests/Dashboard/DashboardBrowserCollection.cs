namespace FleetMonitor.Api.Tests.Dashboard;

/// <summary>The browser test classes share one <see cref="DashboardBrowserFixture"/>: one Api, one Chromium, one OpenID Connect provider.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardBrowserCollection : ICollectionFixture<DashboardBrowserFixture>
{
    public const string Name = "Dashboard browser";
}
