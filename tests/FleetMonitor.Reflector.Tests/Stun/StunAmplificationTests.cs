using System.Net;
using FleetMonitor.Protocols.Stun;
using FleetMonitor.Reflector.Stun;

namespace FleetMonitor.Reflector.Tests.Stun;

/// <summary>
/// The byte ratio stated in <see cref="StunAmplification"/>, checked over every kind of request the server answers: the
/// bare Binding request reaches it exactly, nothing exceeds it.
/// </summary>
public sealed class StunAmplificationTests
{
    [Theory]
    [InlineData("198.51.100.10", "198.51.100.11", "203.0.113.7:40000", StunAmplification.MaxRatioIPv4, 68)]
    [InlineData("2001:db8::10", "2001:db8::11", "[2001:db8:1::7]:40000", StunAmplification.MaxRatioIPv6, 116)]
    public void No_request_buys_more_than_the_stated_ratio(string primary, string alternate, string client, double bound, int bareResponse)
    {
        var addresses = new StunServerAddresses(IPAddress.Parse(primary), IPAddress.Parse(alternate), 3478, 3479);
        var handler = new StunRequestHandler(addresses, StunRequestHandlerTests.Credentials(), 1024);
        var source = IPEndPoint.Parse(client);
        var receivedOn = new IPEndPoint(addresses.Primary, 3478);
        var worst = 0.0;
        var answered = 0;

        foreach (var (name, request) in Requests())
        {
            var reply = handler.Handle(request, receivedOn, source).Reply;
            if (reply is null)
                continue;
            answered++;
            var ratio = (double)reply.Datagram.Length / request.Length;
            Assert.True(ratio <= bound + 1e-9, $"{name}: {request.Length} bytes bought {reply.Datagram.Length} ({ratio:0.00} > {bound:0.00})");
            worst = Math.Max(worst, ratio);
        }

        var bare = handler.Handle(StunRequestHandlerTests.Request().ToArray(), receivedOn, source).Reply!;
        Assert.Equal(bareResponse, bare.Datagram.Length);
        Assert.Equal(bound, worst, 6);
        Assert.True(answered > 100, $"only {answered} requests were answered");
    }

    private static IEnumerable<(string Name, byte[] Request)> Requests()
    {
        yield return ("bare", StunRequestHandlerTests.Request().ToArray());
        yield return ("fingerprint", StunRequestHandlerTests.Request().AddFingerprint().ToArray());
        yield return ("authenticated", StunRequestHandlerTests.Request(authenticate: true).ToArray());
        yield return ("shortest username", StunRequestHandlerTests.Request().AddUsername("a").AddMessageIntegrity("x"u8).ToArray());
        yield return ("username only", StunRequestHandlerTests.Request().AddUsername("a").ToArray());
        yield return ("integrity only", StunRequestHandlerTests.Request().AddMessageIntegrity("x"u8).ToArray());
        yield return ("zero change request", StunRequestHandlerTests.Request(zeroChangeRequest: true).ToArray());
        foreach (var change in new[] { StunChangeRequest.ChangeIp, StunChangeRequest.ChangePort, StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort })
        {
            yield return ($"unauthenticated {change}", StunRequestHandlerTests.Request(change: change).ToArray());
            yield return ($"authenticated {change}", StunRequestHandlerTests.Request(change: change, authenticate: true).ToArray());
        }

        yield return ("response port", StunRequestHandlerTests.Request(responsePort: 40001, authenticate: true).ToArray());
        yield return ("unauthenticated response port", StunRequestHandlerTests.Request(responsePort: 40001).ToArray());
        for (var padding = 0; padding <= 128; padding++)
        {
            yield return ($"padding {padding}", StunRequestHandlerTests.Request().AddPadding(padding).ToArray());
            yield return ($"padding {padding} with fingerprint", StunRequestHandlerTests.Request().AddPadding(padding).AddFingerprint().ToArray());
            yield return ($"authenticated padding {padding}", StunRequestHandlerTests.Request().AddPadding(padding).AddUsername("a").AddMessageIntegrity(
                StunShortTermKey.FromPassword(StunRequestHandlerTests.Password)).ToArray());
        }

        for (var unknown = 1; unknown <= 8; unknown++)
        {
            var request = StunRequestHandlerTests.Request();
            for (var i = 0; i < unknown; i++)
                request.AddAttribute((ushort)(0x7F00 + i), []);
            yield return ($"{unknown} unknown attributes", request.ToArray());
        }
    }
}
