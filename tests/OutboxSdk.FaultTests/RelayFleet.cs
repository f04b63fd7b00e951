using System.Globalization;
using Npgsql;

namespace OutboxSdk.FaultTests;

/// <summary>
/// The application instances of a scenario: each slot runs one relay process and, like an orchestrator, starts a
/// new one whenever it dies (killed by the suite, or exited by itself — counted in <see cref="UnexpectedExits"/>).
/// </summary>
internal sealed class RelayFleet : IAsyncDisposable
{
    private readonly Func<int, NodeProcess> _start;
    private readonly NodeProcess?[] _current;
    private readonly Task[] _supervisors;
    private readonly CancellationTokenSource _stopping = new();
    private int _kills;
    private int _unexpectedExits;

    public RelayFleet(int instances, Func<int, NodeProcess> start)
    {
        _start = start;
        _current = new NodeProcess?[instances];
        _supervisors = new Task[instances];
        for (var slot = 0; slot < instances; slot++)
        {
            var s = slot;
            _supervisors[slot] = Task.Run(() => SuperviseAsync(s));
        }
    }

    public int Instances => _current.Length;

    public int Kills => Volatile.Read(ref _kills);

    public int UnexpectedExits => Volatile.Read(ref _unexpectedExits);

    /// <summary>
    /// SIGKILLs the relay in a random slot at a random point of its work: once it has started (a kill while the
    /// runtime loads would hit nothing of ours), after a random 0–<paramref name="maxRunSeconds"/> s more. Its
    /// supervisor starts a new one. With several instances, every one has started before the kill, so the
    /// recovery measured is a stand-by's takeover (or nothing, when the stand-by is the one killed), not a restart.
    /// </summary>
    public async Task<InjectedFault> KillRandomAsync(Random random, double maxRunSeconds)
    {
        if (_current.Length > 1)
        {
            await WaitReadyAsync(TimeSpan.FromMinutes(1));
        }

        var slot = random.Next(_current.Length);
        var process = Volatile.Read(ref _current[slot]);
        for (var waited = 0; process is null && waited < 600; waited++)
        {
            await Task.Delay(100); // between a death and its restart
            process = Volatile.Read(ref _current[slot]);
        }

        if (process is null)
        {
            throw new InvalidOperationException($"relay {slot + 1} did not come back within a minute");
        }

        await Task.WhenAny(process.Ready, Task.Delay(TimeSpan.FromMinutes(1)));
        await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * maxRunSeconds));
        var start = DateTime.UtcNow;
        await process.KillAsync();
        Interlocked.Increment(ref _kills);
        return new InjectedFault(start, DateTime.UtcNow, $"SIGKILL relay {slot + 1} (pid {process.Pid})");
    }

    /// <summary>
    /// Silences the leader — the instance whose session holds the Notify leader lock or streams from the slot, by the
    /// server's view — with <paramref name="isolate"/> (given its instance number and process; the task ends when the
    /// leader is back: SIGSTOP then SIGCONT, or a blackholed network path that heals), and measures how long until
    /// another instance leads. The leader then comes back as a zombie to a leadership it lost. Fails when nobody took
    /// over within <paramref name="bound"/>.
    /// </summary>
    public async Task<InjectedFault> IsolateLeaderAsync(NpgsqlDataSource admin, string schema, string how, Func<int, NodeProcess, Task> isolate, TimeSpan bound)
    {
        await WaitReadyAsync(TimeSpan.FromMinutes(1));
        var leader = await LeaderAsync(admin, schema, except: null, TimeSpan.FromSeconds(30))
            ?? throw new InvalidOperationException("no relay instance leads: nothing holds the leader lock or streams from the slot");
        var process = Volatile.Read(ref _current[leader - 1]) ?? throw new InvalidOperationException($"relay {leader} leads but is not running");
        var start = DateTime.UtcNow;
        var isolated = isolate(leader, process);
        var next = await LeaderAsync(admin, schema, except: leader, bound);
        var takeover = DateTime.UtcNow - start;
        await isolated;
        if (next is null)
        {
            throw new InvalidOperationException($"relay {leader} was isolated ({how}) and no other instance led within {bound.TotalSeconds:F0} s");
        }

        return new InjectedFault(start, DateTime.UtcNow, string.Create(CultureInfo.InvariantCulture,
            $"{how} relay {leader} (the leader, pid {process.Pid}); relay {next} led after {takeover.TotalSeconds:F2} s; back after {(DateTime.UtcNow - start).TotalSeconds:F1} s"));
    }

    /// <summary>SIGSTOP for <paramref name="pause"/>, then SIGCONT: a frozen VM, a stopped process.</summary>
    public static async Task PauseAsync(NodeProcess process, TimeSpan pause)
    {
        process.Signal("STOP");
        try
        {
            await Task.Delay(pause);
        }
        finally
        {
            process.Signal("CONT");
        }
    }

    // The instance (its connections' application name fault-relay-<n>) whose session holds the schema's Notify leader
    // lock or streams from a slot, other than except; polled until one does or the timeout passes.
    private static async Task<int?> LeaderAsync(NpgsqlDataSource admin, string schema, int? except, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            await using var command = admin.CreateCommand("""
                SELECT split_part(substr(a.application_name, 13), '#', 1)::int FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtextextended('outbox relay ' || $1, 0) & 4294967295)::oid
                  AND a.application_name LIKE 'fault-relay-%'
                UNION
                SELECT split_part(substr(r.application_name, 13), '#', 1)::int FROM pg_stat_replication r WHERE r.application_name LIKE 'fault-relay-%'
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = schema });
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    if (reader.GetInt32(0) != except)
                    {
                        return reader.GetInt32(0);
                    }
                }
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        return null;
    }

    /// <summary>Waits until every slot's relay has started (the stream then begins with the relays running).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var slot = 0; slot < _current.Length; slot++)
        {
            while (Volatile.Read(ref _current[slot]) is not { Ready.IsCompletedSuccessfully: true } && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var process in _current)
        {
            if (process is not null)
            {
                await process.KillAsync();
            }
        }

        await Task.WhenAll(_supervisors);
        _stopping.Dispose();
    }

    private async Task SuperviseAsync(int slot)
    {
        while (!_stopping.IsCancellationRequested)
        {
            using var process = _start(slot);
            Volatile.Write(ref _current[slot], process);
            if (_stopping.IsCancellationRequested)
            {
                await process.KillAsync(); // started while the fleet was stopping
            }

            await process.Exited;
            Volatile.Write(ref _current[slot], null);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (!process.KilledBySuite)
            {
                Interlocked.Increment(ref _unexpectedExits);
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
