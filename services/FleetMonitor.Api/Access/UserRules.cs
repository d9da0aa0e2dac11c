using System.Text.RegularExpressions;

namespace FleetMonitor.Api.Access;

/// <summary>What a valid user name, password, role and token name are; each check returns the error message or null.</summary>
public static partial class UserRules
{
    public const int MaxNameLength = 64;

    public const int MinPasswordLength = 12;

    public const int MaxPasswordLength = 200;

    public static string? NameError(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A name is required.";
        }

        return name.Length <= MaxNameLength && NamePattern().IsMatch(name)
            ? null
            : $"A name has at most {MaxNameLength} lower-case letters, digits and '.', '_', '@', '-', and starts with a letter or digit.";
    }

    public static string? PasswordError(string? password) => password switch
    {
        null or "" => "A password is required.",
        { Length: < MinPasswordLength } => $"A password has at least {MinPasswordLength} characters.",
        { Length: > MaxPasswordLength } => $"A password has at most {MaxPasswordLength} characters.",
        _ => null,
    };

    public static string? RoleError(string? role) =>
        AccessRoles.IsRole(role) ? null : $"The role is one of {string.Join(", ", AccessRoles.All)}.";

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._@-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
