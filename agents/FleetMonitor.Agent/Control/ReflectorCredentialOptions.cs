namespace FleetMonitor.Agent.Control;

/// <summary>The agent's own Reflector credential (<c>Agent:Reflector:...</c>), given at enrolment; nat and exposure probes use it.</summary>
public sealed class ReflectorCredentialOptions
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>
    /// The definition as the probe runs it: a nat or exposure probe that names no credential of its own gets
    /// <paramref name="credential"/> when there is one; any other definition is returned as it is.
    /// </summary>
    public static ProbeDefinitionOptions Apply(ProbeDefinitionOptions definition, ReflectorCredentialOptions? credential)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Kind is not ("nat" or "exposure") || credential is not { Username.Length: > 0, Password.Length: > 0 })
            return definition;
        var parameters = new Dictionary<string, string>(definition.Parameters, StringComparer.Ordinal);
        parameters.TryAdd("username", credential.Username);
        parameters.TryAdd("password", credential.Password);
        return new ProbeDefinitionOptions
        {
            Id = definition.Id,
            Version = definition.Version,
            Kind = definition.Kind,
            Target = definition.Target,
            IntervalSeconds = definition.IntervalSeconds,
            Cron = definition.Cron,
            TimeZone = definition.TimeZone,
            TimeoutSeconds = definition.TimeoutSeconds,
            Parameters = parameters,
        };
    }
}
