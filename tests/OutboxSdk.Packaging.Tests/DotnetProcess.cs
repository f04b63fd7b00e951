using System.Diagnostics;
using System.Text;

namespace OutboxSdk.Packaging.Tests;

/// <summary>Runs the dotnet CLI as a child process with a deadline, and kills its tree when the deadline passes.</summary>
internal static class DotnetProcess
{
    public static string Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, DateTime deadline, params string[] arguments)
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

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
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
}
