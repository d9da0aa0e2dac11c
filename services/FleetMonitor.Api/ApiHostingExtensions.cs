using System.Text.Json.Serialization;
using FleetMonitor.Api.Access;
using FleetMonitor.Api.Agents;
using FleetMonitor.Api.Alerts;
using FleetMonitor.Api.Dashboard;
using FleetMonitor.Api.Definitions;
using FleetMonitor.Api.Enrolment;
using FleetMonitor.Api.Fleet;
using FleetMonitor.Api.Policies;
using FleetMonitor.Api.Silences;
using FleetMonitor.Api.Sites;
using FleetMonitor.Api.Templates;
using FleetMonitor.Storage;

namespace FleetMonitor.Api;

/// <summary>Wires the Api and the NOC dashboard into a host: this service's Program and the embedded FleetMonitor.Server.</summary>
public static class ApiHostingExtensions
{
    /// <summary>The prefix of every Api endpoint.</summary>
    public const string ApiPrefix = "/api";

    public static IHostApplicationBuilder AddFleetMonitorApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddFleetMonitorStorage();
        builder.AddAlertingApi();
        // Validation is explicit in each endpoint (see RequestErrors): framework binding failures answer with an
        // empty 400, so query values and bodies are parsed by the endpoints and every error names its field.
        // ProblemDetails writes those answers as application/problem+json; it is idempotent if the host added it too.
        builder.Services.AddProblemDetails();
        // The Api speaks the agents' wire format (camelCase, nulls left out), so a result looks the same in both.
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        builder.AddFleetMonitorControl();
        builder.AddFleetMonitorAccess();
        builder.Services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SiteOfflineSettings>();
        builder.Services.AddSingleton<FleetOverviewReader>();
        builder.Services.AddSingleton<FleetOverviewSource>();
        builder.Services.AddSingleton<FleetVersionCache>();
        builder.Services.AddSingleton<FleetAgentMetrics>();
        builder.Services.AddHostedService<FleetAgentMetricsService>();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<ApiDocumentTransformer>());
        return builder;
    }

    public static WebApplication MapFleetMonitorApi(this WebApplication app)
    {
        // An error without a body of its own (404, 405) is answered as problem+json too.
        app.UseStatusCodePages();
        app.UseFleetMonitorAccess();

        // Every route states its role (RequireViewer/RequireOperator/RequireAdmin or AllowAnonymous); the route-table
        // test in FleetMonitor.Api.Tests fails for a route it does not know, so a new one is classified when it is added.
        app.MapOpenApi().RequireViewer();
        app.MapSessionEndpoints();
        var api = app.MapGroup(ApiPrefix);
        api.MapSiteEndpoints();
        api.MapAgentEndpoints();
        api.MapFleetEndpoints();
        // Probe definitions and policies are admin matters; running a probe now is an operator's.
        api.MapDefinitionEndpoints().RequireRoles((method, pattern) =>
            IsRead(method) ? AccessRoles.Viewer : pattern.EndsWith("/probe-now", StringComparison.Ordinal) ? AccessRoles.Operator : AccessRoles.Admin);
        api.MapTemplateEndpoints().RequireRoles((method, _) => IsRead(method) ? AccessRoles.Viewer : AccessRoles.Admin);
        api.MapUserEndpoints();
        api.MapTokenEndpoints();
        api.MapAuditEndpoints();
        // Enrolment tokens and Reflector credentials are secrets: admins only, reading included.
        api.MapEnrolmentEndpoints().RequireAdmin();
        // An agent enrols with the site's enrolment token in the body: no user, no cookie.
        api.MapEnrolEndpoint().AllowAnonymous().DisableAntiforgery();
        api.MapAlertEndpoints().RequireRoles((method, _) => IsRead(method) ? AccessRoles.Viewer : AccessRoles.Operator);
        api.MapPolicyEndpoints().RequireRoles((method, _) => IsRead(method) ? AccessRoles.Viewer : AccessRoles.Admin);
        api.MapSilenceEndpoints().RequireRoles((method, _) => IsRead(method) ? AccessRoles.Viewer : AccessRoles.Operator);
        app.MapDashboard();
        return app;
    }

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
}
