using System.Net;
using FleetMonitor.Protocols.Stun;
using FleetMonitor.Reflector.Auth;
using FleetMonitor.Reflector.Stun;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Reflector.Tests.Stun;

/// <summary>Every rule of the RFC 5780 server on one datagram at a time: what it answers, from which socket, to where, and with what.</summary>
public sealed class StunRequestHandlerTests
{
    internal const string Username = "agent-1";
    internal const string Password = "correct-horse-battery-staple";

    private static readonly StunServerAddresses Addresses = new(IPAddress.Parse("198.51.100.10"), IPAddress.Parse("198.51.100.11"), 3478, 3479);
    private static readonly IPEndPoint PaPp = new(Addresses.Primary, 3478);
    private static readonly IPEndPoint Client = IPEndPoint.Parse("203.0.113.7:40123");
    private static readonly byte[] Key = StunShortTermKey.FromPassword(Password);

    private readonly StunRequestHandler _handler = Handler(minSourcePort: 1024);

    [Fact]
    public void A_plain_binding_request_gets_the_four_addresses_from_the_socket_it_came_to()
    {
        var request = Request().ToArray();

        var reply = Reply(_handler.Handle(request, PaPp, Client));

        Assert.Equal((PaPp, Client, (int?)null), (reply.From, reply.To, reply.ErrorCode));
        var response = Parse(reply);
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.Equal(Client, response.XorMappedAddress);
        Assert.Equal(Client, response.MappedAddress);
        Assert.Equal(PaPp, response.ResponseOrigin);
        Assert.Equal(IPEndPoint.Parse("198.51.100.11:3479"), response.OtherAddress);
        Assert.False(response.HasMessageIntegrity);
        Assert.False(response.HasFingerprint);
        Assert.Null(response.Software);
        Assert.Equal(68, reply.Datagram.Length);
    }

    /// <summary>RFC 5780 §6.1, table 1: the source follows the flags, OTHER-ADDRESS is always Ca:Cp of the socket the request came to.</summary>
    [Theory]
    [InlineData("198.51.100.10:3478", StunChangeRequest.None, "198.51.100.10:3478", "198.51.100.11:3479")]
    [InlineData("198.51.100.10:3478", StunChangeRequest.ChangeIp, "198.51.100.11:3478", "198.51.100.11:3479")]
    [InlineData("198.51.100.10:3478", StunChangeRequest.ChangePort, "198.51.100.10:3479", "198.51.100.11:3479")]
    [InlineData("198.51.100.10:3478", StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort, "198.51.100.11:3479", "198.51.100.11:3479")]
    [InlineData("198.51.100.11:3478", StunChangeRequest.ChangeIp, "198.51.100.10:3478", "198.51.100.10:3479")]
    [InlineData("198.51.100.11:3479", StunChangeRequest.ChangePort, "198.51.100.11:3478", "198.51.100.10:3478")]
    [InlineData("198.51.100.10:3479", StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort, "198.51.100.11:3478", "198.51.100.11:3478")]
    [InlineData("198.51.100.11:3479", StunChangeRequest.None, "198.51.100.11:3479", "198.51.100.10:3478")]
    public void Change_request_picks_the_socket_and_other_address_is_the_diagonal(
        string receivedOn, StunChangeRequest change, string from, string other)
    {
        var request = Request(change: change, authenticate: true).ToArray();

        var reply = Reply(_handler.Handle(request, IPEndPoint.Parse(receivedOn), Client));

        Assert.Equal(IPEndPoint.Parse(from), reply.From);
        Assert.Equal(Client, reply.To);
        var response = Parse(reply, Key);
        Assert.Equal(IPEndPoint.Parse(from), response.ResponseOrigin);
        Assert.Equal(IPEndPoint.Parse(other), response.OtherAddress);
        Assert.Equal(Client, response.XorMappedAddress);
    }

    [Fact]
    public void Response_port_sends_to_the_source_address_at_that_port()
    {
        var request = Request(responsePort: 50000, authenticate: true).ToArray();

        var reply = Reply(_handler.Handle(request, PaPp, Client));

        Assert.Equal(new IPEndPoint(Client.Address, 50000), reply.To);
        Assert.Equal(PaPp, reply.From);
        Assert.Equal(Client, Parse(reply, Key).XorMappedAddress);
        Assert.Equal(StunRequestFeatures.ResponsePort | StunRequestFeatures.Authenticated, reply.Features);
    }

    [Theory]
    [InlineData(StunChangeRequest.ChangeIp, null)]
    [InlineData(StunChangeRequest.ChangePort, null)]
    [InlineData(StunChangeRequest.None, 50000)]
    public void Change_request_and_response_port_without_credentials_are_refused_with_401(StunChangeRequest change, int? responsePort)
    {
        var request = Request(change: change, responsePort: responsePort).ToArray();

        var reply = Reply(_handler.Handle(request, PaPp, Client));

        AssertError(reply, 401, Client);
        Assert.False(Parse(reply).HasMessageIntegrity);
    }

    [Fact]
    public void A_change_request_with_no_flag_set_asks_for_nothing_and_needs_no_credentials()
    {
        var reply = Reply(_handler.Handle(Request(change: StunChangeRequest.None, zeroChangeRequest: true).ToArray(), PaPp, Client));

        Assert.Null(reply.ErrorCode);
        Assert.Equal(PaPp, reply.From);
    }

    [Theory]
    [InlineData("agent-1", "wrong-password-wrong-password")]
    [InlineData("agent-2", Password)]
    public void Wrong_or_unknown_credentials_get_401_without_message_integrity(string username, string password)
    {
        var request = Request(change: StunChangeRequest.ChangeIp)
            .AddUsername(username)
            .AddMessageIntegrity(StunShortTermKey.FromPassword(password))
            .ToArray();

        var reply = Reply(_handler.Handle(request, PaPp, Client));

        AssertError(reply, 401, Client);
        Assert.False(Parse(reply).HasMessageIntegrity);
    }

    [Fact]
    public void Credentials_on_a_plain_request_are_checked_and_answered_with_message_integrity()
    {
        var good = Reply(_handler.Handle(Request(authenticate: true).ToArray(), PaPp, Client));
        var bad = Reply(_handler.Handle(Request().AddUsername(Username).AddMessageIntegrity("not-the-password"u8).ToArray(), PaPp, Client));

        Assert.Null(good.ErrorCode);
        Assert.True(Parse(good, Key).HasMessageIntegrity);
        AssertError(bad, 401, Client);
    }

    [Fact]
    public void A_username_without_message_integrity_is_a_bad_request()
    {
        var reply = Reply(_handler.Handle(Request(change: StunChangeRequest.ChangeIp).AddUsername(Username).ToArray(), PaPp, Client));

        AssertError(reply, 400, Client);
    }

    [Fact]
    public void Unknown_comprehension_required_attributes_are_listed_in_a_420()
    {
        var request = Request().AddAttribute(0x7F01, [1, 2, 3, 4]).AddAttribute(0x0024, [0, 0, 0, 1]).ToArray();

        var reply = Reply(_handler.Handle(request, PaPp, Client));

        AssertError(reply, 420, Client);
        Assert.Equal([(ushort)0x7F01, (ushort)0x0024], Parse(reply).UnknownAttributes);
    }

    [Fact]
    public void Unknown_comprehension_optional_attributes_are_ignored()
    {
        var reply = Reply(_handler.Handle(Request().AddAttribute(0xC001, [1, 2, 3, 4]).ToArray(), PaPp, Client));

        Assert.Null(reply.ErrorCode);
    }

    [Fact]
    public void An_authenticated_420_carries_message_integrity()
    {
        var request = Request(change: StunChangeRequest.ChangePort).AddAttribute(0x7F01, [1, 2, 3, 4]);
        request.AddUsername(Username).AddMessageIntegrity(Key);

        var reply = Reply(_handler.Handle(request.ToArray(), PaPp, Client));

        AssertError(reply, 420, Client);
        Assert.True(Parse(reply, Key).HasMessageIntegrity);
    }

    [Fact]
    public void Response_port_with_padding_is_refused_and_the_error_goes_to_the_source()
    {
        var request = Request(responsePort: 50000).AddPadding(100);
        request.AddUsername(Username).AddMessageIntegrity(Key);

        var reply = Reply(_handler.Handle(request.ToArray(), PaPp, Client));

        AssertError(reply, 400, Client);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(53)]
    [InlineData(1023)]
    public void A_response_port_below_the_minimum_source_port_is_refused(int port)
    {
        var reply = Reply(_handler.Handle(Request(responsePort: port, authenticate: true).ToArray(), PaPp, Client));

        AssertError(reply, 400, Client);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1472)]
    [InlineData(9000)]
    public void Padding_comes_back_but_never_makes_the_response_larger_than_the_request(int padding)
    {
        var request = Request().AddPadding(padding).ToArray();

        var reply = Reply(_handler.Handle(request, PaPp, Client));

        var response = Parse(reply);
        Assert.NotNull(response.PaddingLength);
        Assert.True(reply.Datagram.Length <= Math.Max(request.Length, 72), $"{request.Length}-byte request, {reply.Datagram.Length}-byte response");
        Assert.True(reply.Datagram.Length > request.Length - 4 || response.PaddingLength == 0, "the padding fills the response up to the request's size");
    }

    [Fact]
    public void Fingerprint_is_mirrored()
    {
        var with = Reply(_handler.Handle(Request().AddFingerprint().ToArray(), PaPp, Client));
        var without = Reply(_handler.Handle(Request().ToArray(), PaPp, Client));

        Assert.True(Parse(with).HasFingerprint);
        Assert.False(Parse(without).HasFingerprint);
    }

    [Fact]
    public void Responses_indications_other_methods_garbage_and_system_ports_are_dropped()
    {
        var response = new StunMessageWriter(StunMessageType.BindingSuccess, StunTransactionId.NewRandom()).AddXorMappedAddress(Client).ToArray();
        var indication = new StunMessageWriter(StunMessageType.BindingIndication, StunTransactionId.NewRandom()).ToArray();
        var allocate = new StunMessageWriter(new StunMessageType(0x003, StunClass.Request), StunTransactionId.NewRandom()).ToArray();
        var truncated = Request().ToArray()[..19];

        Assert.Equal(ReflectorMetrics.StunDropReason.NotBindingRequest, _handler.Handle(response, PaPp, Client).DropReason);
        Assert.Equal(ReflectorMetrics.StunDropReason.NotBindingRequest, _handler.Handle(indication, PaPp, Client).DropReason);
        Assert.Equal(ReflectorMetrics.StunDropReason.NotBindingRequest, _handler.Handle(allocate, PaPp, Client).DropReason);
        Assert.Equal(ReflectorMetrics.StunDropReason.Malformed, _handler.Handle(truncated, PaPp, Client).DropReason);
        Assert.Equal(ReflectorMetrics.StunDropReason.Malformed, _handler.Handle("hello, world"u8.ToArray(), PaPp, Client).DropReason);
        Assert.Equal(ReflectorMetrics.StunDropReason.SourcePort, _handler.Handle(Request().ToArray(), PaPp, IPEndPoint.Parse("203.0.113.7:53")).DropReason);
    }

    [Fact]
    public void The_header_check_before_the_rate_limiter_passes_only_binding_requests()
    {
        Assert.True(StunRequestHandler.LooksLikeBindingRequest(Request().ToArray()));
        Assert.False(StunRequestHandler.LooksLikeBindingRequest(Request().ToArray().AsSpan(0, 19)));
        Assert.False(StunRequestHandler.LooksLikeBindingRequest([.. Request().ToArray(), 0, 0, 0, 0]));
        Assert.False(StunRequestHandler.LooksLikeBindingRequest(new StunMessageWriter(StunMessageType.BindingIndication, StunTransactionId.NewRandom()).ToArray()));
    }

    [Fact]
    public void Ipv6_clients_get_ipv6_addresses()
    {
        var v6 = new StunServerAddresses(IPAddress.Parse("2001:db8::10"), IPAddress.Parse("2001:db8::11"), 3478, 3479);
        var handler = new StunRequestHandler(v6, Credentials(), 1024);
        var client = IPEndPoint.Parse("[2001:db8:1::7]:40000");

        var reply = Reply(handler.Handle(Request().ToArray(), new IPEndPoint(v6.Primary, 3478), client));

        var response = Parse(reply);
        Assert.Equal(client, response.XorMappedAddress);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::11]:3479"), response.OtherAddress);
        Assert.Equal(116, reply.Datagram.Length);
    }

    internal static StunRequestHandler Handler(int minSourcePort) => new(Addresses, Credentials(), minSourcePort);

    internal static AgentCredentials Credentials() => new(Options.Create(new AgentCredentialsOptions
    {
        Credentials = [new AgentCredential { Username = Username, Password = Password }],
    }));

    internal static StunMessageWriter Request(
        StunChangeRequest change = StunChangeRequest.None, int? responsePort = null, bool authenticate = false, bool zeroChangeRequest = false)
    {
        var request = new StunMessageWriter(StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        if (change != StunChangeRequest.None || zeroChangeRequest)
            request.AddChangeRequest(change);
        if (responsePort is { } port)
            request.AddResponsePort(port);
        if (authenticate)
            request.AddUsername(Username).AddMessageIntegrity(Key);
        return request;
    }

    private static StunReply Reply(StunHandling handling)
    {
        Assert.Null(handling.DropReason);
        return Assert.IsType<StunReply>(handling.Reply);
    }

    private static StunMessage Parse(StunReply reply, byte[]? key = null)
    {
        var parsed = key is null ? StunMessageParser.Parse(reply.Datagram) : StunMessageParser.ParseAuthenticated(reply.Datagram, key);
        Assert.True(parsed.IsSuccess, parsed.Detail);
        return parsed.Message;
    }

    private static void AssertError(StunReply reply, int code, IPEndPoint to)
    {
        Assert.Equal(code, reply.ErrorCode);
        Assert.Equal(to, reply.To);
        var response = Parse(reply);
        Assert.Equal(StunMessageType.BindingError, response.Type);
        Assert.Equal(code, response.ErrorCode?.Code);
    }
}
