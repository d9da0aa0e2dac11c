namespace FleetMonitor.Api.Access;

/// <summary>The roles of the Api, each allowed what the ones below it are: viewer &lt; operator &lt; admin.</summary>
public static class AccessRoles
{
    /// <summary>The NOC: sees the fleet, changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>Acknowledges alerts, silences, runs probes now.</summary>
    public const string Operator = "operator";

    /// <summary>Sites, definitions, policies, tokens, users.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Viewer, Operator, Admin];

    public static bool IsRole(string? role) => role is Viewer or Operator or Admin;

    /// <summary>0 for anything that is not a role, so that an unknown role is allowed nothing.</summary>
    public static int Rank(string? role) => role switch
    {
        Viewer => 1,
        Operator => 2,
        Admin => 3,
        _ => 0,
    };

    /// <summary>The roles that include <paramref name="role"/>: "operator" → operator, admin.</summary>
    public static string[] AtLeast(string role) => [.. All.Where(r => Rank(r) >= Rank(role))];
}
