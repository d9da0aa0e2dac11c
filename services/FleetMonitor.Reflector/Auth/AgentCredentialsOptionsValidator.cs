using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Auth;

/// <summary>Refuses <see cref="AgentCredentialsOptions"/> at start with the setting at fault named.</summary>
internal sealed class AgentCredentialsOptionsValidator : IValidateOptions<AgentCredentialsOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentCredentialsOptions options) =>
        options.Error() is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
}
