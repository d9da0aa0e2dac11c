using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FleetMonitor.Api.Tests;

/// <summary>Signs in through the sign-in form, as a browser does, and reads the session's CSRF token.</summary>
public static partial class Sessions
{
    /// <summary>Posts the form of <c>GET /login</c>; returns the answer (302 to the return URL when the password was right).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string user, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync($"/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var field = CsrfField().Match(page);
        Assert.True(field.Success, $"No antiforgery field in the sign-in page: {page}");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [field.Groups["name"].Value] = WebUtility.HtmlDecode(field.Groups["value"].Value),
            ["returnUrl"] = returnUrl,
            ["username"] = user,
            ["password"] = password,
        });
        return await client.PostAsync("/login", form);
    }

    /// <summary>The CSRF token of the signed-in session, from <c>GET /api/session</c>.</summary>
    public static async Task<JsonElement> GetSessionAsync(HttpClient client) =>
        await (await client.GetAsync("/api/session")).ReadJsonAsync();

    [GeneratedRegex("""<input type="hidden" name="(?<name>__RequestVerificationToken)" value="(?<value>[^"]+)">""")]
    private static partial Regex CsrfField();
}
