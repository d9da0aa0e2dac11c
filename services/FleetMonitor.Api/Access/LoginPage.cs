using System.Text.Encodings.Web;

namespace FleetMonitor.Api.Access;

/// <summary>The sign-in page, rendered on the server with the antiforgery token in the form; every value is HTML-encoded.</summary>
internal static class LoginPage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static string Render(string csrfFieldName, string csrfToken, string returnUrl, string? userName, string? error, bool oidc)
    {
        var e = HtmlEncoder.Default;
        var message = error is null ? "" : $"""<p class="banner" role="alert" id="login-error">{e.Encode(error)}</p>""";
        var oidcLink = oidc
            ? $"""<p class="oidc"><a id="oidc-sign-in" href="/login/oidc?returnUrl={e.Encode(Uri.EscapeDataString(returnUrl))}">Sign in with the company account</a></p>"""
            : "";
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>FleetMonitor · sign in</title>
              <link rel="icon" href="data:,">
              <link rel="stylesheet" href="/dashboard/app.css">
            </head>
            <body class="login">
              <main class="login-box">
                <h1>FleetMonitor</h1>
                {message}
                <form method="post" action="/login">
                  <input type="hidden" name="{e.Encode(csrfFieldName)}" value="{e.Encode(csrfToken)}">
                  <input type="hidden" name="returnUrl" value="{e.Encode(returnUrl)}">
                  <label>User <input name="username" id="username" autocomplete="username" required value="{e.Encode(userName ?? "")}"></label>
                  <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
                  <button type="submit" id="sign-in">Sign in</button>
                </form>
                {oidcLink}
              </main>
            </body>
            </html>
            """;
    }
}
