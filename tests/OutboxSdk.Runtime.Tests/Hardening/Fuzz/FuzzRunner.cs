namespace Hardening.Tests.Fuzz;

/// <summary>
/// Runs a decoder over fuzz inputs and checks the three promises: it returns or throws one of the documented
/// exception types; no input runs longer than a generous bound (a watchdog, so a hang fails the test instead of
/// blocking it); and no input allocates more than a bound, which a hostile length prefix would break.
/// </summary>
internal static class FuzzRunner
{
    /// <summary>Per input; generous because the machine is shared. Only a hang comes near it.</summary>
    public static readonly TimeSpan PerInput = TimeSpan.FromSeconds(5);

    /// <summary>Allocation per input: ample for these decoders' real output, far below what a hostile length would ask for.</summary>
    public const long MaxAllocatedBytes = 4 * 1024 * 1024;

    public static async Task<(int Accepted, int Refused)> RunAsync(IEnumerable<(string Case, byte[] Bytes)> inputs, Action<byte[]> decode, Type[] documented, bool requireRefusals = true)
    {
        var current = "(none)";
        var started = DateTime.UtcNow;
        var busy = false;
        var failures = new List<string>();
        var (accepted, refused) = (0, 0);
        var run = Task.Factory.StartNew(() =>
        {
            foreach (var (name, bytes) in inputs)
            {
                (current, started, busy) = (name, DateTime.UtcNow, true);
                var before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    decode(bytes);
                    accepted++;
                }
                catch (Exception e) when (documented.Any(t => t.IsInstanceOfType(e)))
                {
                    // A documented refusal; its message must say something.
                    refused++;
                    if (string.IsNullOrWhiteSpace(e.Message))
                    {
                        failures.Add($"{name}: {e.GetType().Name} without a message");
                    }
                }
                catch (Exception e)
                {
                    failures.Add($"{name} ({Convert.ToHexString(bytes)}): undocumented {e.GetType().FullName}: {e.Message}");
                }

                var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated > MaxAllocatedBytes)
                {
                    failures.Add($"{name} ({Convert.ToHexString(bytes)}): allocated {allocated} bytes");
                }

                busy = false;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(100));
            var (name, since, running) = (current, started, busy);
            Assert.False(running && DateTime.UtcNow - since > PerInput, $"{name} has run for more than {PerInput}: a hang");
        }

        await run;
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));

        // Inputs that were all accepted would prove nothing about refusing bad ones.
        Assert.True(refused > 0 || !requireRefusals, $"none of the {accepted} inputs was refused");
        return (accepted, refused);
    }
}
