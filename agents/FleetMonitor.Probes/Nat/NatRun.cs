using System.Net;
using FleetMonitor.Protocols.Stun;

namespace FleetMonitor.Probes.Nat;

/// <summary>
/// One run of the NAT probe's tests against one server: the mapping tests, hairpinning, the filtering tests and the
/// binding lifetime trials, each on sockets of its own (RFC 5780 §4.5 allows combining the tests). Collects
/// <see cref="NatObservations"/>, keeping what was decided when the deadline (or a stalled machine) ends the run early.
/// </summary>
/// <remarks>
/// <para>Order: test I (plain Binding to PA:PP) on socket M gives X1 and the server's OTHER-ADDRESS (AA:AP). Then, at
/// once, the lifetime trials (<see cref="BindingLifetimeSearch"/>, two sockets each, talking only to PA:PP),
/// hairpinning (a fresh socket sends a Binding request to X1; M receiving it means the NAT hairpins), and filtering II
/// and III from a fresh socket F (CHANGE-REQUEST change-IP+port, expected from AA:AP, and change-port, expected from
/// PA:AP). Only when both filtering tests are decided does M send mapping II (to AA:PP) and, when X2 differs from X1,
/// mapping III (to AA:AP): a router whose filter admits any address that any LAN socket has sent to would otherwise let
/// AA's answer to F in because M had sent to AA, and report endpoint-independent filtering for an address-dependent
/// one. Nothing before the filtering verdict sends to the alternate address.</para>
/// <para>A silent test is decided once its silence is conclusive (three transmissions and two RTOs after the third,
/// 2.5 s with the defaults), not at the end of RFC 8489's schedule, so the run ends when the verdict is decided.
/// Test I alone keeps the whole schedule, since its silence fails the probe. When test I gets no answer, nothing else
/// runs.</para>
/// </remarks>
internal sealed class NatRun(
    StunTransactions transactions, IPEndPoint server, IPAddress local, NatProbeSettings settings, byte[]? key,
    TimeProvider timeProvider, NatCounters counters) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<StunSocket> _sockets = [];
    private readonly Decided _decided = new();
    private IPEndPoint? _algMapped;
    private TimeSpan? _lifetimeShortened;

    /// <summary>
    /// Runs the tests until they are decided or <paramref name="work"/> fires (the probe's deadline); only
    /// <paramref name="caller"/> firing throws.
    /// </summary>
    public async Task<NatObservations> ObserveAsync(CancellationToken work, CancellationToken caller)
    {
        var plan = PlanLifetime();
        if (plan.Skipped is null && plan.Window < settings.MaxLifetime)
            _lifetimeShortened = plan.Window;
        var pending = new List<Task>();
        Task<LifetimePart>? lifetimeTask = null;
        try
        {
            var m = Open();
            _decided.Local = m.Local;
            var test1 = await transactions.RunAsync(m, server, Request(), null, work);
            _decided.Test1Transmissions = test1.Transmissions;
            if (!test1.IsSuccess || test1.Answer!.Message.XorMappedAddress is null)
            {
                _decided.Test1 = test1.Answer is null ? test1.Silence : StunTestResult.ErrorResponse;
                _decided.Test1Error = test1.Answer is null ? null : Describe(test1.Answer.Message);
                return Build(new LifetimePart(null, "the server did not answer", false));
            }

            var x1 = Mapped(test1.Answer.Message)!;
            _decided.Test1 = StunTestResult.Received;
            _decided.Mapped1 = x1;
            var other = UsableOtherAddress(test1.Answer.Message.OtherAddress);
            _decided.Other = other;
            var behindNat = !NatClassifier.Same(x1, m.Local);

            lifetimeTask = LifetimeAsync(plan, work, caller);
            pending.Add(lifetimeTask);
            if (behindNat)
                pending.Add(HairpinAsync(m, x1, work, caller));
            if (other is null)
                return Build(await lifetimeTask);

            await FilteringAsync(other, work);
            if (behindNat)
                await MappingAsync(m, x1, other, work);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            // The deadline: report what was decided.
        }
        finally
        {
            await Settle(pending);
        }

        caller.ThrowIfCancellationRequested();
        var lifetime = lifetimeTask is { IsCompletedSuccessfully: true }
            ? lifetimeTask.Result
            : new LifetimePart(null, plan.Skipped ?? "the deadline came before the search ended", false);
        return Build(lifetime);
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

    private NatObservations Build(LifetimePart lifetime) => new()
    {
        Local = _decided.Local ?? new IPEndPoint(local, 0),
        Test1 = _decided.Test1,
        Test1Error = _decided.Test1Error,
        Test1Transmissions = _decided.Test1Transmissions,
        Mapped1 = _decided.Mapped1,
        OtherAddress = _decided.Other,
        Mapping2 = _decided.Mapping2,
        Mapped2 = _decided.Mapped2,
        Mapping3 = _decided.Mapping3,
        Mapped3 = _decided.Mapped3,
        Hairpin = _decided.Hairpin,
        FilteringChangeIpAndPort = _decided.FilteringBoth,
        FilteringChangePort = _decided.FilteringPort,
        AlgMappedAddress = _algMapped,
        Lifetime = lifetime.Result,
        LifetimeSkipped = lifetime.Skipped,
        LifetimeUnauthorized = lifetime.Unauthorized,
        LifetimeShortened = _lifetimeShortened,
        MaxLifetime = settings.MaxLifetime,
        Keepalive = settings.Keepalive,
    };

    /// <summary>Waits for the tasks that may still run, whatever their end: each has recorded what it decided.</summary>
    private static async Task Settle(List<Task> tasks)
    {
        foreach (var task in tasks)
        {
            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Mapping tests II and III from M, to the alternate address (RFC 5780 §4.3).</summary>
    private async Task MappingAsync(StunSocket m, IPEndPoint x1, IPEndPoint other, CancellationToken work)
    {
        var test2 = await transactions.RunAsync(m, new IPEndPoint(other.Address, server.Port), Request(), null, work, decideOnSilence: true);
        (_decided.Mapping2, _decided.Mapped2) = Judge(test2);
        if (_decided.Mapping2 == StunTestResult.Received && !NatClassifier.Same(_decided.Mapped2, x1))
        {
            var test3 = await transactions.RunAsync(m, other, Request(), null, work, decideOnSilence: true);
            (_decided.Mapping3, _decided.Mapped3) = Judge(test3);
        }
    }

    /// <summary>Hairpinning (RFC 5780 §3.4): from a second socket to M's mapped address; M receiving its own request back.</summary>
    private async Task HairpinAsync(StunSocket m, IPEndPoint x1, CancellationToken work, CancellationToken caller)
    {
        try
        {
            var hairpin = await transactions.RunAsync(Open(), x1, Request(), m, work, decideOnSilence: true);
            _decided.Hairpin = hairpin.Answer is null
                ? hairpin.Silence
                : hairpin.OnReceiver && hairpin.Answer.Message.Type.Class == StunClass.Request ? StunTestResult.Received : StunTestResult.Inconclusive;
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Filtering tests II and III at once from a fresh socket whose first packets they are: nothing has opened the NAT
    /// towards the alternate address or port (RFC 5780 §3.2). Each result is kept as soon as it is decided.
    /// </summary>
    private async Task FilteringAsync(IPEndPoint other, CancellationToken work)
    {
        var f = Open();
        var both = JudgeInto(
            transactions.RunAsync(f, server, Request(StunChangeRequest.ChangeIp | StunChangeRequest.ChangePort, authenticate: true), null, work, decideOnSilence: true),
            other, result => _decided.FilteringBoth = result);
        var port = JudgeInto(
            transactions.RunAsync(f, server, Request(StunChangeRequest.ChangePort, authenticate: true), null, work, decideOnSilence: true),
            new IPEndPoint(server.Address, other.Port), result => _decided.FilteringPort = result);
        await Task.WhenAll(both, port);
    }

    private async Task JudgeInto(Task<StunOutcome> test, IPEndPoint expectedFrom, Action<StunTestResult> record) =>
        record(JudgeChanged(await test, expectedFrom));

    private async Task<LifetimePart> LifetimeAsync(
        (IReadOnlyList<TimeSpan> Waits, TimeSpan Window, string? Skipped) plan, CancellationToken work, CancellationToken caller)
    {
        if (plan.Waits.Count == 0)
            return new LifetimePart(null, plan.Skipped, false);

        // Each trial has its own stop: a trial that finds the binding gone ends the longer ones, whose answer is then known.
        using var all = CancellationTokenSource.CreateLinkedTokenSource(work);
        var stops = plan.Waits.Select(_ => CancellationTokenSource.CreateLinkedTokenSource(all.Token)).ToArray();
        try
        {
            var trials = await Task.WhenAll(plan.Waits.Select((wait, i) => TrialAsync(wait, all, stops[i], Gone, caller)));
            var unauthorized = trials.Any(t => t.Unauthorized);
            var result = BindingLifetimeSearch.Interpret(plan.Window, trials.Select(t => t.Trial));
            var skipped = result is not null ? null
                : unauthorized ? "the Reflector refused RESPONSE-PORT (401)"
                : work.IsCancellationRequested ? "the deadline came before a trial was conclusive"
                : "no trial got a conclusive answer";
            return new LifetimePart(result, skipped, unauthorized);
        }
        finally
        {
            foreach (var stop in stops)
                stop.Dispose();
        }

        void Gone(TimeSpan wait)
        {
            for (var i = 0; i < plan.Waits.Count; i++)
            {
                if (plan.Waits[i] > wait)
                    stops[i].Cancel();
            }
        }
    }

    /// <summary>
    /// One lifetime trial: bind socket A, stay idle for <paramref name="wait"/>, ask from socket B for the answer to go to
    /// A's mapped port. Finding the binding gone calls <paramref name="gone"/>, which ends the longer trials.
    /// </summary>
    private async Task<(LifetimeTrial Trial, bool Unauthorized)> TrialAsync(
        TimeSpan wait, CancellationTokenSource all, CancellationTokenSource stop, Action<TimeSpan> gone, CancellationToken caller)
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

            var check = await transactions.RunAsync(Open(), server, Request(responsePort: mapped.Port, authenticate: true), a, stop.Token, decideOnSilence: true);

            // A check that left much later than planned (a starved machine, a long pacing queue) tested an older
            // binding than its wait says: its answer cannot be placed in the ladder.
            if (check.FirstSentAt is not { } sentAt
                || timeProvider.GetElapsedTime(bind.Answer.At, sentAt) - wait > BindingLifetimeSearch.Lateness(wait))
                return (new LifetimeTrial(wait, null), false);
            if (check.Answer is null)
            {
                if (check.Conclusive)
                    gone(wait);
                return (new LifetimeTrial(wait, check.Conclusive ? false : null), false);
            }

            // A success on A: the binding lived. A success on B: the NAT gave B the old binding's port, so it had
            // expired (RFC 5780 §4.6).
            if (check.IsSuccess)
            {
                if (!check.OnReceiver)
                    gone(wait);
                return (new LifetimeTrial(wait, check.OnReceiver), false);
            }

            if (check.ErrorCode == StunErrorCode.Unauthenticated)
            {
                // Every other trial would be refused too: stop them rather than wait out their timers.
                await all.CancelAsync();
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

    /// <summary>What the tests decided so far; each field is written once, by the test that decides it.</summary>
    private sealed class Decided
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

        public StunTestResult FilteringBoth { get; set; } = StunTestResult.NotRun;

        public StunTestResult FilteringPort { get; set; } = StunTestResult.NotRun;
    }

    private sealed record LifetimePart(BindingLifetime? Result, string? Skipped, bool Unauthorized);
}
