using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace FleetMonitor.Reflector.Tests;

/// <summary>Where the Reflector's management address is added to what it listens on, and which settings are refused.</summary>
public sealed class ManagementEndpointTests
{
    [Theory]
    [InlineData(null, null, null, "http://localhost:5085", 5085)]
    [InlineData("http://127.0.0.1:6000", null, null, "http://127.0.0.1:6000;http://localhost:5085", 5085)]
    [InlineData(null, "8080", "http://+:9091", "http://*:8080;http://+:9091", 9091)]
    [InlineData("http://0.0.0.0:7001", "8080", "http://127.0.0.1:7002", "http://0.0.0.0:7001;http://127.0.0.1:7002", 7002)]
    public void The_management_address_is_added_to_the_public_ones(string? urls, string? httpPorts, string? managementUrl, string expectedUrls, int expectedPort)
    {
        var builder = Builder(("urls", urls), ("http_ports", httpPorts), (ManagementEndpoint.SettingKey, managementUrl));

        Assert.Equal(expectedPort, builder.ListenForManagement());
        Assert.Equal(expectedUrls, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void An_empty_setting_keeps_management_on_the_public_address()
    {
        var builder = Builder(("urls", "http://127.0.0.1:6000"), (ManagementEndpoint.SettingKey, ""));

        Assert.Null(builder.ListenForManagement());
        Assert.Equal("http://127.0.0.1:6000", builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Theory]
    [InlineData("https://localhost:5085")]
    [InlineData("http://localhost")]
    [InlineData("http://localhost:0")]
    [InlineData("localhost:5085")]
    [InlineData("http://localhost:5085/metrics")]
    public void A_management_address_that_is_not_http_host_port_is_refused(string managementUrl)
    {
        var builder = Builder((ManagementEndpoint.SettingKey, managementUrl));

        var error = Assert.Throws<InvalidOperationException>(() => builder.ListenForManagement());
        Assert.Contains(ManagementEndpoint.SettingKey, error.Message, StringComparison.Ordinal);
        Assert.Contains(managementUrl, error.Message, StringComparison.Ordinal);
    }

    private static WebApplicationBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings.Where(s => s.Value is not null).Select(s => KeyValuePair.Create(s.Key, s.Value)));
        return builder;
    }
}
