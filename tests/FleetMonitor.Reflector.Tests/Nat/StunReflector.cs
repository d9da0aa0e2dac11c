using System.Globalization;
using FleetMonitor.Reflector.Tests.Support;

namespace FleetMonitor.Reflector.Tests.Nat;

/// <summary>The built FleetMonitor.Reflector (copied beside the tests) in the internet namespace, its STUN server on both addresses and ports.</summary>
internal static class StunReflector
{
    public const int PrimaryPort = 3478;
    public const int AlternatePort = 3479;
    public const string Username = "agent-nat-test";
    public const string Password = "nat-test-password-0123456789";

    public static string Target => $"{NatTopology.PrimaryAddress}:{PrimaryPort}";

    /// <summary>Starts it and waits until all four STUN sockets listen.</summary>
    public static async Task<NamespacedServer> StartAsync(NatTopology net)
    {
        var server = NamespacedServer.Start(net.Internet, "the Reflector", Command.Dotnet,
        [
            Path.Combine(AppContext.BaseDirectory, "FleetMonitor.Reflector.dll"),
            "--urls", "http://127.0.0.1:0",
            "--Reflector:Echo:Endpoints:0=127.0.0.1:0",
            $"--Reflector:Stun:PrimaryAddress={NatTopology.PrimaryAddress}",
            $"--Reflector:Stun:AlternateAddress={NatTopology.AlternateAddress}",
            $"--Reflector:Stun:PrimaryPort={PrimaryPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Reflector:Stun:AlternatePort={AlternatePort.ToString(CultureInfo.InvariantCulture)}",
            $"--Reflector:Agents:Credentials:0:Username={Username}",
            $"--Reflector:Agents:Credentials:0:Password={Password}",
        ]);
        try
        {
            await server.WaitUntilAsync(
                s => s.Output.Split('\n').Count(l => l.Contains("STUN server listening on", StringComparison.Ordinal)) == 4,
                TimeSpan.FromSeconds(90), "listening on its four STUN sockets");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
