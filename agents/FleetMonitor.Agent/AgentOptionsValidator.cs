using System.ComponentModel.DataAnnotations;
using FleetMonitor.Probes;
using Microsoft.Extensions.Options;
using Quartz;

namespace FleetMonitor.Agent;

/// <summary>Validates the whole agent configuration at start: nested broker and probe sections, schedules, kinds.</summary>
internal sealed class AgentOptionsValidator(ProbeCatalog catalog) : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        Check(options, "Agent", errors);
        Check(options.Broker, "Agent:Broker", errors);
        if (!System.Uri.TryCreate(options.Broker.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            errors.Add("Agent:Broker:Uri: must be an amqp:// or amqps:// URI");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Probes.Count; i++)
        {
            var probe = options.Probes[i];
            var path = $"Agent:Probes:{i}";
            Check(probe, path, errors);
            if (!ids.Add(probe.Id))
            {
                errors.Add($"{path}:Id: '{probe.Id}' is used twice");
            }

            if (!catalog.TryGet(probe.Kind, out _))
            {
                errors.Add($"{path}:Kind: '{probe.Kind}' is not a known probe kind ({string.Join(", ", catalog.Kinds)})");
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

    private static void Check(object instance, string path, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"{path}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
