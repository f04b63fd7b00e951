namespace Hardening.Tests.Fuzz;

/// <summary>The fuzz runner itself: it must fail on what the fuzz tests exist to catch.</summary>
public sealed class FuzzRunnerTests
{
    private static readonly List<(string, byte[])> Inputs = [("one", [1]), ("two", [2, 2])];

    [Fact]
    public async Task An_undocumented_exception_fails_the_run() =>
        Assert.Contains("undocumented System.InvalidOperationException",
            (await Assert.ThrowsAnyAsync<Exception>(() => FuzzRunner.RunAsync(Inputs, b => throw new InvalidOperationException("boom"), [typeof(FormatException)]))).Message,
            StringComparison.Ordinal);

    [Fact]
    public async Task An_allocation_past_the_bound_fails_the_run() =>
        Assert.Contains("allocated",
            (await Assert.ThrowsAnyAsync<Exception>(() => FuzzRunner.RunAsync(Inputs, b => GC.KeepAlive(new byte[FuzzRunner.MaxAllocatedBytes + 1]), [typeof(FormatException)]))).Message,
            StringComparison.Ordinal);

    [Fact]
    public async Task A_hang_fails_the_run()
    {
        using var release = new ManualResetEventSlim();
        try
        {
            Assert.Contains("a hang",
                (await Assert.ThrowsAnyAsync<Exception>(() => FuzzRunner.RunAsync(Inputs, b => release.Wait(TimeSpan.FromSeconds(30)), [typeof(FormatException)]))).Message,
                StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public async Task Inputs_that_are_all_accepted_fail_the_run() =>
        Assert.Contains("none of the 2 inputs was refused",
            (await Assert.ThrowsAnyAsync<Exception>(() => FuzzRunner.RunAsync(Inputs, b => { }, [typeof(FormatException)]))).Message,
            StringComparison.Ordinal);
}
