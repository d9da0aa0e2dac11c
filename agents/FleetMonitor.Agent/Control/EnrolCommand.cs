using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FleetMonitor.Agent.Control;

/// <summary>
/// <c>enrol --server URL --token T [--config PATH]</c>: exchanges a site enrolment token for this agent's identity and
/// credentials and writes them to a configuration file only the agent's user can read (0600). Exit code 0 enrolled,
/// 1 refused by the server (expired, revoked, used up or unknown token) or not reached, 2 usage error.
/// </summary>
public static class EnrolCommand
{
    public const int ExitEnrolled = 0;
    public const int ExitRefused = 1;
    public const int ExitUsage = 2;

    private const string Usage = "usage: enrol --server URL --token TOKEN [--config PATH (default agent.json)]";

    /// <summary>Parses the command line and enrols.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? server = null, token = null, config = "agent.json";
        for (var i = 0; i < args.Count; i++)
        {
            if (i + 1 >= args.Count)
            {
                await error.WriteLineAsync($"enrol: '{args[i]}' needs a value\n{Usage}");
                return ExitUsage;
            }

            switch (args[i])
            {
                case "--server": server = args[++i]; break;
                case "--token": token = args[++i]; break;
                case "--config": config = args[++i]; break;
                default:
                    await error.WriteLineAsync($"enrol: unknown option '{args[i]}'\n{Usage}");
                    return ExitUsage;
            }
        }

        if (server is null || token is null)
        {
            await error.WriteLineAsync($"enrol: --server and --token are required\n{Usage}");
            return ExitUsage;
        }

        return await RunAsync(server, token, config, output, error, cancellationToken);
    }

    public static async Task<int> RunAsync(string serverUrl, string token, string outputConfigPath, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(serverUrl, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"enrol: --server must be an http:// or https:// URL, not '{serverUrl}'");
            return ExitUsage;
        }

        if (File.Exists(outputConfigPath))
        {
            await error.WriteLineAsync($"enrol: {outputConfigPath} exists already; this agent may be enrolled. Remove it or give another --config.");
            return ExitUsage;
        }

        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("api/enrol", new EnrolmentRequest(token, Environment.MachineName), ControlJsonContext.Default.EnrolmentRequest, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"enrol: cannot reach {server}: {e.Message}");
            return ExitRefused;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"enrol: refused ({(int)response.StatusCode}): {await ReasonAsync(response, cancellationToken)}");
                return ExitRefused;
            }

            var result = await response.Content.ReadFromJsonAsync(ControlJsonContext.Default.EnrolmentResult, cancellationToken)
                ?? throw new InvalidOperationException("The server answered an empty enrolment");
            var broker = new UriBuilder(result.BrokerUri) { UserName = Uri.EscapeDataString(result.BrokerUsername), Password = Uri.EscapeDataString(result.BrokerPassword) };
            var configuration = new EnrolledConfiguration(new EnrolledConfiguration.AgentSection(
                result.AgentId, result.SiteId, new EnrolledConfiguration.BrokerSection(broker.Uri.ToString()), new EnrolledConfiguration.ControlSection(true),
                new EnrolledConfiguration.ReflectorSection(result.ReflectorUsername, result.ReflectorPassword)));
            await WritePrivateAsync(outputConfigPath, configuration, cancellationToken);
            await output.WriteLineAsync($"enrolled as {result.AgentId} at site {result.SiteId}; credentials written to {outputConfigPath}");
            return ExitEnrolled;
        }
    }

    /// <summary>Creates the file readable and writable by its owner only, from the first byte (never world-readable, even briefly).</summary>
    private static async Task WritePrivateAsync(string path, EnrolledConfiguration configuration, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, fileOptions);
        await JsonSerializer.SerializeAsync(stream, configuration, ControlJsonContext.Default.EnrolledConfiguration, cancellationToken);
    }

    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                return detail.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return response.StatusCode == HttpStatusCode.NotFound ? "the server has no enrolment endpoint" : body;
    }
}
