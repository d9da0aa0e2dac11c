using Microsoft.AspNetCore.Antiforgery;

namespace FleetMonitor.Api.Access;

/// <summary>
/// Refuses an unsafe request (POST, PUT, PATCH, DELETE) that relies on the browser's cookies unless it carries the
/// antiforgery token: in the <c>X-CSRF-TOKEN</c> header (the dashboard reads it from <c>GET /api/session</c>) or a form
/// field (the sign-in form). A request with an Authorization header does not use the cookie, so it needs none.
/// Runs after authorization, so that an anonymous request is told to sign in rather than that a token is missing.
/// </summary>
internal sealed class CsrfProtection(RequestDelegate next, IAntiforgery antiforgery)
{
    public const string HeaderName = AccessSchemes.CsrfHeader;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
        // An endpoint that takes no cookie (agents' enrolment, with its token in the body) opts out with DisableAntiforgery().
        var endpoint = context.GetEndpoint();
        if (safe || context.Request.Headers.Authorization.Count > 0 || endpoint is null
            || endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: false })
        {
            await next(context);
            return;
        }

        if (!await antiforgery.IsRequestValidAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Missing or invalid CSRF token",
                    Detail = $"A request signed in by the session cookie must send the token of GET /api/session in the {HeaderName} header.",
                    Extensions = { ["errors"] = new Dictionary<string, string[]> { [HeaderName] = ["Missing or invalid."] } },
                },
            });
            return;
        }

        await next(context);
    }
}
