using System.Diagnostics;
using System.Text;

namespace OutboxSdk.Packaging.Tests;

/// <summary>Runs the dotnet CLI as a child process with a deadline, and kills its tree when the deadline passes (or, for a
/// program that runs until stopped, when it printed what was expected).</summary>
internal static class DotnetProcess
{
    public static string Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, DateTime deadline, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments, out var output);
        var remaining = deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero || !process.WaitForExit(remaining))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish before the test's deadline:\n{output}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        return output.ToString();
    }

    /// <summary>
    /// Runs a program that does not end on its own (a host waiting for shutdown) until a line of its output contains
    /// <paramref name="expected"/>, then kills it; fails when it exits or the deadline passes first. Returns the output.
    /// </summary>
    public static string RunUntil(string workingDirectory, IReadOnlyDictionary<string, string> environment, DateTime deadline, string expected, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments, out var output);
        try
        {
            while (!Contains(output, expected))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    process.WaitForExit();
                    Assert.Fail($"dotnet {string.Join(' ', arguments)} {(process.HasExited ? "exited" : "ran until the deadline")} without printing '{expected}':\n{output}");
                }

                Thread.Sleep(100);
            }

            return output.ToString();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
    }

    private static bool Contains(StringBuilder output, string expected)
    {
        lock (output)
        {
            return output.ToString().Contains(expected, StringComparison.Ordinal);
        }
    }

    private static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] arguments, out StringBuilder output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // `dotnet test` leaves MSBuild variables for its own build in the environment; a child build must choose its own.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        // No build servers or reused nodes: nothing of the test outlives it.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var lines = output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { lines.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { lines.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
