using FleetMonitor.Agent.Tests.Support;

namespace FleetMonitor.Agent.Tests.Cli;

/// <summary>Configuration errors as a service manager sees them: once, one line per setting, exit 78, no stack trace.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task A_missing_config_file_is_an_error_naming_the_path_resolved_from_the_current_directory()
    {
        using var folder = new TempDirectory();

        var (code, stdout, stderr) = await AgentProcess.RunAsync(folder.Path, "run", "--config", "agent.json");

        Assert.Equal(78, code);
        Assert.Empty(stdout);
        Assert.Equal($"configuration error: --config: the file '{folder.File("agent.json")}' does not exist", stderr.Trim());
    }

    [Fact]
    public async Task A_relative_config_is_read_from_the_current_directory_and_each_mistake_is_one_line()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", """
            {
              "Agent": {
                "AgentId": "pc-1",
                "SiteId": "Home Office",
                "Broker": { "Uri": "http://broker" },
                "Colour": "blue",
                "Probes": [
                  { "Id": "pbx", "Kind": "tcp", "Target": "pbx:5061", "IntervalSeconds": 60, "Parameters": { "tsl": "true" } },
                  { "Id": "prov", "Kind": "http", "Target": "https://prov/x", "Cron": "every minute" }
                ]
              }
            }
            """);

        var (code, _, stderr) = await AgentProcess.RunAsync(folder.Path, "run", "--config", "agent.json");

        Assert.Equal(78, code);
        var lines = stderr.Trim().Split('\n');
        Assert.All(lines, l => Assert.StartsWith("configuration error: ", l, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Contains("Colour", stderr, StringComparison.Ordinal);
        Assert.Equal(lines.Length, lines.Distinct().Count());
    }

    [Fact]
    public async Task Semantic_mistakes_are_each_named_by_setting()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", """
            {
              "Agent": {
                "AgentId": "pc-1",
                "SiteId": "Home Office",
                "Broker": { "Uri": "http://broker" },
                "Probes": [
                  { "Id": "pbx", "Kind": "tcp", "Target": "pbx:5061", "IntervalSeconds": 60, "Parameters": { "tsl": "true" } },
                  { "Id": "prov", "Kind": "http", "Target": "https://prov/x", "Cron": "every minute" }
                ]
              }
            }
            """);

        var (code, _, stderr) = await AgentProcess.RunAsync(folder.Path, "run", "--config", "agent.json");

        Assert.Equal(78, code);
        var lines = stderr.Trim().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains(lines, l => l.Contains("SiteId", StringComparison.Ordinal));
        Assert.Contains("configuration error: Agent:Broker:Uri: must be an amqp:// or amqps:// URI", lines);
        Assert.Contains(lines, l => l.StartsWith("configuration error: Agent:Probes:0:Parameters:tsl: not a parameter of tcp (known: tls, sni", StringComparison.Ordinal));
        Assert.Contains("configuration error: Agent:Probes:1:Cron: 'every minute' is not a valid Quartz cron expression", lines);
        Assert.Equal(4, lines.Count);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broken_json_is_a_configuration_error()
    {
        using var folder = new TempDirectory();
        folder.Write("agent.json", """{ "Agent": { "AgentId": """);

        var (code, _, stderr) = await AgentProcess.RunAsync(folder.Path, "run", "--config", "agent.json");

        Assert.Equal(78, code);
        Assert.StartsWith($"configuration error: {folder.File("agent.json")}:", stderr.Trim(), StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
