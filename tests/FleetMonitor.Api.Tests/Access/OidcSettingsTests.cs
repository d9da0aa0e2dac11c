using System.Net;
using FleetMonitor.Api.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Tests.Access;

/// <summary>
/// OpenID Connect settings: checked when the Api starts (it refuses to start with an incomplete setup, naming each
/// setting), off when not configured; and how the claim values map to a role. The sign-in itself is tested against a
/// real provider in the dashboard browser tests.
/// </summary>
public sealed class OidcSettingsTests
{
    [Fact]
    public async Task Api_refuses_to_start_with_an_incomplete_oidc_setup_and_names_every_setting()
    {
        using var database = await TestDatabase.CreateSeededAsync();
        await using var factory = new ApiFactory(database, new Dictionary<string, string>
        {
            ["Access:Oidc:Authority"] = "http://127.0.0.1:9/",
            ["Access:Oidc:Roles:noc-staff"] = "superuser",
            ["Access:Oidc:Scopes:0"] = "two words",
        });

        var error = Assert.IsType<OptionsValidationException>(Unwrap(Record.Exception(() => factory.CreateClient())));
        var message = string.Join("\n", error.Failures);
        Assert.Contains("Access:Oidc:Authority must use https", message, StringComparison.Ordinal);
        Assert.Contains("Access:Oidc:ClientId is required", message, StringComparison.Ordinal);
        Assert.Contains("Access:Oidc:Roles:noc-staff is 'superuser'", message, StringComparison.Ordinal);
        Assert.Contains("Access:Oidc:Scopes holds 'two words'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_id_without_an_authority_is_refused_rather_than_ignored()
    {
        using var database = await TestDatabase.CreateSeededAsync();
        await using var factory = new ApiFactory(database, new Dictionary<string, string> { ["Access:Oidc:ClientId"] = "fleetmonitor" });

        var error = Assert.IsType<OptionsValidationException>(Unwrap(Record.Exception(() => factory.CreateClient())));
        Assert.Contains("Access:Oidc:Authority is required", string.Join("\n", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_settings_there_is_no_oidc_scheme_and_the_sign_in_page_offers_local_users_only()
    {
        using var database = await TestDatabase.CreateSeededAsync();
        await using var factory = new ApiFactory(database);
        using var client = factory.CreateClient();

        var schemes = factory.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Null(await schemes.GetSchemeAsync(AccessSchemes.OpenIdConnect));
        var page = await client.GetAsync(new Uri("/login", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"sign-in\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("oidc-sign-in", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("noc-staff", "viewer")]
    [InlineData("noc-staff,noc-operators", "operator")]
    [InlineData("marketing,noc-admins,noc-staff", "admin")]
    [InlineData("marketing", null)]
    [InlineData("", null)]
    public void The_highest_role_any_claim_value_maps_to_wins(string values, string? role)
    {
        var map = new Dictionary<string, string> { ["noc-staff"] = "viewer", ["noc-operators"] = "operator", ["noc-admins"] = "admin" };
        Assert.Equal(role, OidcSessionEvents.MapRole(values.Split(',', StringSplitOptions.RemoveEmptyEntries), map));
    }

    private static Exception? Unwrap(Exception? exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerException) : exception;
}
