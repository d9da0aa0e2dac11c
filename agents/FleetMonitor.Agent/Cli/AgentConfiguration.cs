using System.Text.Json;
using FleetMonitor.Probes;

namespace FleetMonitor.Agent.Cli;

/// <summary>
/// Loads and checks the agent's configuration before anything starts: the <c>--config</c> file (relative to the current
/// directory; a missing file is an error), then <c>Agent__...</c> environment variables. Every mistake is collected as
/// one line naming the setting.
/// </summary>
internal sealed class AgentConfiguration
{
    /// <summary>The file read when <c>--config</c> is not given and it exists in the current directory.</summary>
    public const string DefaultFileName = "agent.json";

    private AgentConfiguration(string? path, AgentOptions options)
    {
        Path = path;
        Options = options;
    }

    /// <summary>The absolute path of the file read, or null when only environment variables were.</summary>
    public string? Path { get; }

    public AgentOptions Options { get; }

    /// <summary>Reads and validates; on failure returns null and the errors, one per setting.</summary>
    public static (AgentConfiguration? Configuration, IReadOnlyList<string> Errors) Load(string? configPath)
    {
        string? path = null;
        if (configPath is not null)
        {
            path = System.IO.Path.GetFullPath(configPath);
            if (!File.Exists(path))
            {
                return (null, [$"--config: the file '{path}' does not exist"]);
            }
        }
        else if (File.Exists(DefaultFileName))
        {
            path = System.IO.Path.GetFullPath(DefaultFileName);
        }

        IConfigurationRoot root;
        try
        {
            root = AddSources(new ConfigurationBuilder(), path).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException or IOException or UnauthorizedAccessException)
        {
            return (null, [$"{path}: {Describe(e)}"]);
        }

        var options = new AgentOptions();
        try
        {
            root.GetSection(AgentOptions.SectionName).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            return (null, [.. Describe(e).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
        }

        var result = new AgentOptionsValidator(ProbeCatalog.CreateDefault()).Validate(null, options);
        return result.Failed ? (null, [.. result.Failures]) : (new AgentConfiguration(path, options), []);
    }

    /// <summary>The configuration sources of the agent, the same for the check and for the host.</summary>
    public static IConfigurationBuilder AddSources(IConfigurationBuilder builder, string? path)
    {
        if (path is not null)
        {
            builder.AddJsonFile(path, optional: false, reloadOnChange: false);
        }

        return builder.AddEnvironmentVariables();
    }

    /// <summary>Writes the errors, one line each, for the person or service manager reading standard error.</summary>
    public static async Task<int> ReportAsync(IReadOnlyList<string> errors, TextWriter error)
    {
        foreach (var line in errors)
        {
            await error.WriteLineAsync($"configuration error: {line}");
        }

        return ExitCodes.Configuration;
    }

    private static string Describe(Exception e) =>
        e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} {inner.Message}" : e.Message;
}
