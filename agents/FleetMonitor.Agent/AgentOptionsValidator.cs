using FleetMonitor.Probes;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent;

/// <summary>
/// Validates the whole agent configuration at start: the data annotations (generated code), schedules, kinds and each
/// probe's parameters. Each failure is one line naming the setting (<c>Agent:Probes:1:Cron: ...</c>).
/// </summary>
internal sealed partial class AgentOptionsValidator(ProbeCatalog catalog) : IValidateOptions<AgentOptions>
{
    private readonly AgentOptionsAnnotationValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        var annotations = _annotations.Validate(AgentOptions.SectionName, options);
        if (annotations.Failed)
        {
            errors.AddRange(annotations.Failures.Select(SettingPath));
        }

        if (!System.Uri.TryCreate(options.Broker.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            errors.Add("Agent:Broker:Uri: must be an amqp:// or amqps:// URI");
        }

        for (var i = 0; i < options.Broker.ClusterNodes.Count; i++)
        {
            if (!FleetMonitor.Contracts.ClusterNodeAddress.TryParse(options.Broker.ClusterNodes[i], out _, out _))
            {
                errors.Add($"Agent:Broker:ClusterNodes:{i}: '{options.Broker.ClusterNodes[i]}' is not host:port (a port from 1 to 65535)");
            }
        }

        // TimeSpan ranges are checked here: RangeAttribute's TimeSpan form converts through reflection (not AOT-safe).
        Within(errors, "Agent:HeartbeatInterval", options.HeartbeatInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Within(errors, "Agent:MaxSplay", options.MaxSplay, TimeSpan.Zero, TimeSpan.FromHours(1));
        Within(errors, "Agent:Broker:Linger", options.Broker.Linger, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Within(errors, "Agent:Broker:PublishTimeout", options.Broker.PublishTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        Within(errors, "Agent:Broker:MinReconnectDelay", options.Broker.MinReconnectDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Within(errors, "Agent:Broker:MaxReconnectDelay", options.Broker.MaxReconnectDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        if (options.Broker.MinReconnectDelay > options.Broker.MaxReconnectDelay)
        {
            errors.Add("Agent:Broker:MinReconnectDelay: must not be longer than Agent:Broker:MaxReconnectDelay");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Probes.Count; i++)
        {
            var probe = options.Probes[i];
            var path = $"Agent:Probes:{i}";
            if (!ids.Add(probe.Id))
            {
                errors.Add($"{path}:Id: '{probe.Id}' is used twice");
            }

            if (!catalog.TryGet(probe.Kind, out _))
            {
                errors.Add($"{path}:Kind: '{probe.Kind}' is not a known probe kind ({string.Join(", ", catalog.Kinds)})");
            }
            else
            {
                foreach (var parameter in probe.Parameters.Keys.Where(p => !ProbeParameters.IsKnown(probe.Kind, p)))
                {
                    errors.Add($"{path}:Parameters:{parameter}: not a parameter of {probe.Kind} (known: {string.Join(", ", ProbeParameters.For(probe.Kind).Select(p => p.Name))})");
                }
            }

            if (string.IsNullOrWhiteSpace(probe.Cron) == (probe.IntervalSeconds is null))
            {
                errors.Add($"{path}: set exactly one of IntervalSeconds and Cron");
            }
            else if (!string.IsNullOrWhiteSpace(probe.Cron) && !CronExpression.IsValidExpression(probe.Cron))
            {
                errors.Add($"{path}:Cron: '{probe.Cron}' is not a valid Quartz cron expression");
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(probe.TimeZone, out _))
            {
                errors.Add($"{path}:TimeZone: '{probe.TimeZone}' is not a known time zone");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Within(List<string> errors, string path, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{path}: {value} is outside {min} to {max}");
        }
    }

    /// <summary>
    /// Turns a generated message ("... 'Agent.Probes[0].Id' ... The Agent.Probes[0].Id field is required.") into the
    /// configuration's own spelling, <c>Agent:Probes:0:Id: ...</c>.
    /// </summary>
    internal static string SettingPath(string failure)
    {
        var name = DisplayName().Match(failure);
        if (!name.Success)
        {
            return failure;
        }

        var path = name.Value.Replace("[", ":", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace('.', ':');
        var separator = failure.IndexOf(": ", StringComparison.Ordinal);
        var text = (separator >= 0 ? failure[(separator + 2)..] : failure).Replace(" " + name.Value, "", StringComparison.Ordinal);
        return $"{path}: {text}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Agent(?:\.\w+|\[\d+\])+")]
    private static partial System.Text.RegularExpressions.Regex DisplayName();
}
