using System.Diagnostics;
using System.Globalization;

namespace OutboxSdk.Benchmarks;

/// <summary>
/// CPU time spent by this process and by the local Postgres cluster (the postmaster, its live backends, and the
/// backends it has reaped) — steadier than latency on a shared machine, where other work inflates waits far more
/// than it inflates the CPU a message costs. Linux only (reads /proc); elsewhere it reports nothing.
/// </summary>
internal sealed class CpuMeter(string dataDirectory)
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux we run on

    public (TimeSpan Process, TimeSpan Postgres)? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var postmaster))
        {
            return null;
        }

        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var stat = TryStat(pid);
            if (stat is null)
            {
                continue;
            }

            if (pid == postmaster)
            {
                ticks += stat[11] + stat[12] + stat[13] + stat[14]; // utime, stime, and the reaped children's
            }
            else if (stat[1] == postmaster)
            {
                ticks += stat[11] + stat[12];
            }
        }

        return (Process.GetCurrentProcess().TotalProcessorTime, TimeSpan.FromSeconds(ticks / TicksPerSecond));
    }

    // Fields after the command name (which may hold spaces): [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime.
    private static long[]? TryStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return [0, long.Parse(fields[1], CultureInfo.InvariantCulture), 0, 0, 0, 0, 0, 0, 0, 0, 0,
                long.Parse(fields[11], CultureInfo.InvariantCulture), long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[13], CultureInfo.InvariantCulture), long.Parse(fields[14], CultureInfo.InvariantCulture)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null; // gone meanwhile
        }
    }
}
