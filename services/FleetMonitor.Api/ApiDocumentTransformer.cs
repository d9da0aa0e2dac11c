using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FleetMonitor.Api;

/// <summary>Names the Api in its OpenAPI document and describes how to sign in: a Bearer Api token or the session cookie.</summary>
internal sealed class ApiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "apiToken";

    public const string CookieScheme = "session";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "FleetMonitor Api";
        document.Info.Description =
            "Sites, agents, the fleet's latest state and result history, users, Api tokens and the audit log. Every route needs a " +
            "role (viewer < operator < admin); errors are application/problem+json.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An Api token from POST /api/tokens: 'Authorization: Bearer fm_...'.",
        };
        document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "fleetmonitor.session",
            Description = "The dashboard's session from /login; a change also needs the X-CSRF-TOKEN header from GET /api/session.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, document)] = [] },
        ];
        return Task.CompletedTask;
    }
}
