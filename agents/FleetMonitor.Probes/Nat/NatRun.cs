using System.Net;
using FleetMonitor.Probes.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// One run of the NAT probe's tests against one server: the mapping tests and hairpinning, the filtering tests and the
/// binding lifetime trials, all at once on their own sockets (RFC 5780 §4.5 allows combining the tests; separate
/// sockets keep one test's traffic from opening the NAT for another). Collects <see cref="NatObservations"/>.
/// </summary>
/// <remarks>
/// Order and sockets: test I (plain Binding to PA:PP) on socket M gives X1 and the server's OTHER-ADDRESS (AA:AP).
/// Then, in parallel: mapping II (M to AA:PP) and, when X2 differs from X1, mapping III (M to AA:AP), followed by
/// hairpinning (a fresh socket sends a Binding request to X1; M receiving it means the NAT hairpins); filtering II and
/// III at once from a fresh socket F that never sent anything before them (CHANGE-REQUEST change-IP+port, expected from
/// AA:AP, and change-port, expected from PA:AP: running III without waiting for II to time out halves the time of the
/// common port-restricted case); and the lifetime trials (<see cref="BindingLifetimeSearch"/>), each with two sockets
/// of its own. When test I gets no answer, everything else stops.
/// </remarks>
internal sealed class NatRun(
    StunTransactions transactions, IPEndPoint server, IPAddress local, NatProbeSettings settings, byte[]? key,
    TimeProvider timeProvider, NatCounters counters) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<StunSocket> _sockets = [];
    private IPEndPoint? _algMapped;

    public async Task<NatObservations> ObserveAsync(CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var other = new TaskCompletionSource<IPEndPoint?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var plan = PlanLifetime();
        var mappingTask = MappingAsync(other, abort, cancellationToken);
        var filteringTask = FilteringAsync(other.Task, abort.Token, cancellationToken);
        var lifetimeTask = LifetimeAsync(plan, other.Task, abort.Token, cancellationToken);
        await Task.WhenAll(mappingTask, filteringTask, lifetimeTask);
        cancellationToken.ThrowIfCancellationRequested();

        var mapping = await mappingTask;
        var (both, port) = await filteringTask;
        var lifetime = await lifetimeTask;
        return new NatObservations
        {
            Local = mapping.Local ?? new IPEndPoint(local, 0),
            Test1 = mapping.Test1,
            Test1Error = mapping.Test1Error,
            Test1Transmissions = mapping.Test1Transmissions,
            Mapped1 = mapping.Mapped1,
            OtherAddress = mapping.Other,
            Mapping2 = mapping.Mapping2,
            Mapped2 = mapping.Mapped2,
            Mapping3 = mapping.Mapping3,
            Mapped3 = mapping.Mapped3,
            Hairpin = mapping.Hairpin,
            FilteringChangeIpAndPort = both,
            FilteringChangePort = port,
            AlgMappedAddress = _algMapped,
            Lifetime = lifetime.Result,
            LifetimeSkipped = lifetime.Skipped,
            LifetimeUnauthorized = lifetime.Unauthorized,
            Keepalive = settings.Keepalive,
        };
    }

    public async ValueTask DisposeAsync()
    {
        StunSocket[] sockets;
        lock (_lock)
            sockets = [.. _sockets];
        foreach (var socket in sockets)
            await socket.DisposeAsync();
    }

    /// <summary>The lifetime search's waits and window, or why it does not run.</summary>
    internal (IReadOnlyList<TimeSpan> Waits, TimeSpan Window, string? Skipped) PlanLifetime()
    {
        if (settings.MaxLifetime <= TimeSpan.Zero)
            return ([], TimeSpan.Zero, "max_lifetime_s is 0");

        // Room for the trials' paced starts (ten a second, behind the other tests' few) and for the last check to be
        // conclusive if the binding is gone.
        var slack = TransactionPacer.RfcInterval * 12 + TimeSpan.FromMilliseconds(500);
        var needed = transactions.Schedule.ConclusiveAfter + slack;
        var remaining = transactions.Remaining;
        var window = remaining == TimeSpan.MaxValue || remaining - needed >= settings.MaxLifetime
            ? settings.MaxLifetime
            : remaining - needed;
        var waits = BindingLifetimeSearch.Waits(window, settings.Keepalive);
        if (waits.Count == 0)
        {
            var seconds = Math.Ceiling((settings.MaxLifetime + needed).TotalSeconds + 1);
            return ([], TimeSpan.Zero, $"the probe's timeout leaves no time to search; give it about {seconds} s for max_lifetime_s {settings.MaxLifetime.TotalSeconds}");
        }

        return (waits, window, null);
    }

    private async Task<MappingPart> MappingAsync(
        TaskCompletionSource<IPEndPoint?> otherKnown, CancellationTokenSource abort, CancellationToken caller)
    {
        var part = new MappingPart();
        try
        {
            var m = Open();
            part.Local = m.Local;
            var test1 = await transactions.RunAsync(m, server, Request(), null, abort.Token);
            part.Test1Transmissions = test1.Transmissions;
            if (!test1.IsSuccess || test1.Answer!.Message.XorMappedAddress is null)
            {
                part.Test1 = test1.Answer is null ? test1.Silence : StunTestResult.ErrorResponse;
                part.Test1Error = test1.Answer is null ? null : Describe(test1.Answer.Message);
                await abort.CancelAsync();
                otherKnown.TrySetResult(null);
                return part;
            }

            var x1 = Mapped(test1.Answer.Message)!;
            part.Test1 = StunTestResult.Received;
            part.Mapped1 = x1;
            part.Other = UsableOtherAddress(test1.Answer.Message.OtherAddress);
            otherKnown.TrySetResult(part.Other);
            if (NatClassifier.Same(x1, m.Local))
                return part;

            if (part.Other is { } other)
            {
                var test2 = await transactions.RunAsync(m, new IPEndPoint(other.Address, server.Port), Request(), null, abort.Token);
                (part.Mapping2, part.Mapped2) = Judge(test2);
                if (part.Mapping2 == StunTestResult.Received && !NatClassifier.Same(part.Mapped2, x1))
                {
                    var test3 = await transactions.RunAsync(m, other, Request(), null, abort.Token);
                    (part.Mapping3, part.Mapped3) = Judge(test3);
                }
            }

            // Hairpinning (RFC 5780 §3.4): from a second socket to M's mapped address; M receiving its own request back.
            var hairpin = await transactions.RunAsync(Open(), x1, Request(), m, abort.Token);
            part.Hairpin = hairpin.Answer is null
                ? hairpin.Silence
                : hairpin.OnReceiver && hairpin.Answer.Message.Type.Class == StunClass.Request ? StunTestResult.Received : StunTestResult.Inconclusive;
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
        }
        finally
        {
            otherKnown.TrySetResult(null);
        }

        return part;
    }

    private async Task<(StunTestResult Both, StunTestResult Port)> FilteringAsync(
        Task<IPEndPoint?> otherKnown, CancellationToken abort, CancellationToken caller)
    {
        try
        {
            if (await otherKnown.WaitAsync(abort) is not { } other)
                return (StunTestResult.NotRun, StunTestResult.NotRun);

            // A fresh socket whose first packets are these two requests: nothing has opened the NAT towards the
            // alternate address or port (RFC 5780 §3.2).
            var f = Open();
            var both = transactions.RunAsync(f, server, Request(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort, authenticate: true), null, abort);
            var port = transactions.RunAsync(f, server, Request(StunChangeRequest.ChangePort, authenticate: true), null, abort);
            return (JudgeChanged(await both, other), JudgeChanged(await port, new IPEndPoint(server.Address, other.Port)));
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return (StunTestResult.NotRun, StunTestResult.NotRun);
        }
    }

    private async Task<LifetimePart> LifetimeAsync(
        (IReadOnlyList<TimeSpan> Waits, TimeSpan Window, string? Skipped) plan, Task test1Done, CancellationToken abort, CancellationToken caller)
    {
        if (plan.Waits.Count == 0)
            return new LifetimePart(null, plan.Skipped, false);

        // Only once the server has answered: against a silent one the trials would only add packets.
        try
        {
            await test1Done.WaitAsync(abort);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return new LifetimePart(null, "the server did not answer", false);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        var trials = await Task.WhenAll(plan.Waits.Select(wait => TrialAsync(wait, stop, caller)));
        var unauthorized = trials.Any(t => t.Unauthorized);
        var result = BindingLifetimeSearch.Interpret(plan.Window, trials.Select(t => t.Trial));
        var skipped = result is not null ? null
            : unauthorized ? "the Reflector refused RESPONSE-PORT (401)"
            : "no trial got a conclusive answer";
        return new LifetimePart(result, skipped, unauthorized);
    }

    /// <summary>One lifetime trial: bind socket A, stay idle for <paramref name="wait"/>, ask from socket B for the answer to go to A's mapped port.</summary>
    private async Task<(LifetimeTrial Trial, bool Unauthorized)> TrialAsync(TimeSpan wait, CancellationTokenSource stop, CancellationToken caller)
    {
        try
        {
            var a = Open();
            var bind = await transactions.RunAsync(a, server, Request(), null, stop.Token);
            if (!bind.IsSuccess || Mapped(bind.Answer!.Message) is not { } mapped)
                return (new LifetimeTrial(wait, null), false);

            // Idle from the last packet through the binding (the response): a NAT refreshing on both directions
            // started its timer then, one refreshing on outbound only a round trip earlier.
            var idle = wait - timeProvider.GetElapsedTime(bind.Answer.At);
            if (idle > TimeSpan.Zero)
                await Task.Delay(idle, timeProvider, stop.Token);

            var check = await transactions.RunAsync(Open(), server, Request(responsePort: mapped.Port, authenticate: true), a, stop.Token);

            // A check that left much later than planned (a starved machine, a long pacing queue) tested an older
            // binding than its wait says: its answer cannot be placed in the ladder.
            if (check.FirstSentAt is not { } sentAt
                || timeProvider.GetElapsedTime(bind.Answer.At, sentAt) - wait > BindingLifetimeSearch.Lateness(wait))
                return (new LifetimeTrial(wait, null), false);
            if (check.Answer is null)
                return (new LifetimeTrial(wait, check.Conclusive ? false : null), false);

            // A success on A: the binding lived. A success on B: the NAT gave B the old binding's port, so it had
            // expired (RFC 5780 §4.6).
            if (check.IsSuccess)
                return (new LifetimeTrial(wait, check.OnReceiver), false);
            if (check.ErrorCode == StunErrorCode.Unauthenticated)
            {
                // Every other trial would be refused too: stop them rather than wait out their timers.
                await stop.CancelAsync();
                return (new LifetimeTrial(wait, null), true);
            }

            return (new LifetimeTrial(wait, null), false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return (new LifetimeTrial(wait, null), false);
        }
    }

    private StunSocket Open()
    {
        var socket = StunSocket.Open(local, key, timeProvider, counters);
        lock (_lock)
            _sockets.Add(socket);
        return socket;
    }

    /// <summary>A Binding request; credentials go only on the requests that need them (CHANGE-REQUEST, RESPONSE-PORT).</summary>
    private StunMessageWriter Request(StunChangeRequest change = StunChangeRequest.None, int? responsePort = null, bool authenticate = false)
    {
        var request = new StunMessageWriter(StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        if (change != StunChangeRequest.None)
            request.AddChangeRequest(change);
        if (responsePort is { } port)
            request.AddResponsePort(port);
        if (authenticate && key is not null && settings.Username is { } username)
        {
            request.AddUsername(username);
            request.AddMessageIntegrity(key);
        }

        return request;
    }

    private (StunTestResult, IPEndPoint?) Judge(StunOutcome outcome)
    {
        if (outcome.Answer is null)
            return (outcome.Silence, null);
        if (!outcome.IsSuccess)
            return (outcome.Error, null);
        return Mapped(outcome.Answer.Message) is { } mapped ? (StunTestResult.Received, mapped) : (StunTestResult.ErrorResponse, null);
    }

    /// <summary>A CHANGE-REQUEST test: the answer counts only when it comes from where the flags sent it.</summary>
    private StunTestResult JudgeChanged(StunOutcome outcome, IPEndPoint expectedFrom)
    {
        if (outcome.Answer is null)
            return outcome.Silence;
        if (!outcome.IsSuccess)
            return outcome.Error;
        Mapped(outcome.Answer.Message);
        return NatClassifier.Same(outcome.Answer.From, expectedFrom) ? StunTestResult.Received : StunTestResult.WrongSource;
    }

    /// <summary>XOR-MAPPED-ADDRESS of a success, noting any MAPPED-ADDRESS that disagrees with it (a generic ALG's mark).</summary>
    private IPEndPoint? Mapped(StunMessage response)
    {
        var xor = response.XorMappedAddress;
        if (xor is not null && response.MappedAddress is { } plain && !NatClassifier.Same(plain, xor))
        {
            lock (_lock)
                _algMapped ??= plain;
        }

        return xor;
    }

    /// <summary>OTHER-ADDRESS when it can serve: another address of the server's family (RFC 5780 §7.4).</summary>
    private IPEndPoint? UsableOtherAddress(IPEndPoint? other) =>
        other is not null && other.AddressFamily == server.AddressFamily && !other.Address.Equals(server.Address) && other.Port != 0
            ? other
            : null;

    private static string Describe(StunMessage message) => message.ErrorCode is { } error
        ? $"{error.Code} {error.Reason}"
        : "a success without XOR-MAPPED-ADDRESS";

    private sealed class MappingPart
    {
        public IPEndPoint? Local { get; set; }

        public StunTestResult Test1 { get; set; } = StunTestResult.NotRun;

        public string? Test1Error { get; set; }

        public int Test1Transmissions { get; set; }

        public IPEndPoint? Mapped1 { get; set; }

        public IPEndPoint? Other { get; set; }

        public StunTestResult Mapping2 { get; set; } = StunTestResult.NotRun;

        public IPEndPoint? Mapped2 { get; set; }

        public StunTestResult Mapping3 { get; set; } = StunTestResult.NotRun;

        public IPEndPoint? Mapped3 { get; set; }

        public StunTestResult Hairpin { get; set; } = StunTestResult.NotRun;
    }

    private sealed record LifetimePart(BindingLifetime? Result, string? Skipped, bool Unauthorized);
}
