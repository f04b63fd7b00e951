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

    /// <summary>SIGKILLs the relay in a random slot; its supervisor starts a new one.</summary>
    public async Task<string> KillRandomAsync(Random random)
    {
        var slot = random.Next(_current.Length);
        var process = Volatile.Read(ref _current[slot]);
        if (process is null)
        {
            return $"relay {slot + 1}: none running";
        }

        await process.KillAsync();
        Interlocked.Increment(ref _kills);
        return $"SIGKILL relay {slot + 1} (pid {process.Pid})";
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
