using System.Diagnostics;
using System.Text;
using OutboxSdk.Avro.Tests;

namespace OutboxSdk.Cli.Tests;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Length == 0 ? [] : Stdout.TrimEnd('\n').Split('\n');
}

/// <summary>Runs the CLI in-process (fast) or as the real built executable.</summary>
internal static class CliHarness
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(2);

    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exit = OutboxCli.Run(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The built outbox.dll: beside the tests (the project reference copies it), else the CLI's own bin folder.</summary>
    public static string OutboxDll { get; } = LocateOutboxDll();

    /// <summary>Runs <c>dotnet outbox.dll args</c> as a child process; stdout is captured as raw bytes.</summary>
    public static (int ExitCode, byte[] Stdout, string Stderr) RunProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(OutboxDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        using var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(ProcessTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("outbox did not finish: " + string.Join(' ', args));
        }

        process.WaitForExit();
        copy.GetAwaiter().GetResult();
        return (process.ExitCode, stdout.ToArray(), stderr.GetAwaiter().GetResult());
    }

    private static string LocateOutboxDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "outbox.dll");
        if (File.Exists(beside) && File.Exists(Path.Combine(AppContext.BaseDirectory, "outbox.runtimeconfig.json")))
        {
            return beside;
        }

        // bin/<Configuration>/net10.0 of the tests mirrors bin/<Configuration>/net10.0 of the CLI.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var candidate = Path.Combine(TestData.RepoRoot, "src", "OutboxSdk.Cli", "bin", configuration, testBin.Name, "outbox.dll");
        return File.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException($"outbox.dll not found beside the tests or at {candidate}: build the solution first");
    }
}

/// <summary>A temporary folder for one test class, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    private int _counter;

    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "outbox-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A fresh path in the folder (not created).</summary>
    public string NewPath(string name) =>
        System.IO.Path.Combine(Path, Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + name);

    /// <summary>Writes UTF-8 (no BOM) text to a fresh file and returns its path.</summary>
    public string Write(string name, string content)
    {
        var path = NewPath(name);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    /// <summary>Writes lines, each ended by "\n".</summary>
    public string WriteLines(string name, IEnumerable<string> lines) =>
        Write(name, string.Concat(lines.Select(line => line + "\n")));

    public string Copy(string source, string name)
    {
        var path = NewPath(name);
        File.Copy(source, path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
