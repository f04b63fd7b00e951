using System.Diagnostics;
using System.Text;

namespace OutboxSdk.Testing;

/// <summary>
/// Runs a Postgres program. initdb, pg_ctl and postgres refuse to run as root, so as root they run as the
/// <c>postgres</c> user through <c>runuser</c>.
/// </summary>
internal static class PostgresCommand
{
    public const string ServiceUser = "postgres";

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? Environment.UserName == "root"
        : false;

    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (IsRoot)
        {
            start.FileName = "runuser";
            foreach (var part in new[] { "-u", ServiceUser, "--", program })
            {
                start.ArgumentList.Add(part);
            }
        }
        else
        {
            start.FileName = program;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Messages must be parseable ("could not bind") whatever the machine's language.
        start.Environment["LC_MESSAGES"] = "C";
        start.Environment["LANG"] = "C";

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw cancellation.IsCancellationRequested
                ? new OperationCanceledException(cancellation)
                : new LocalPostgresException($"{Path.GetFileName(program)} did not finish within {timeout.TotalSeconds:0} s: {output}");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>Gives the folder to the postgres user when running as root, so the server can write there.</summary>
    public static async Task ChownAsync(string folder, CancellationToken cancellation)
    {
        if (!IsRoot)
        {
            return;
        }

        var start = new ProcessStartInfo("chown") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var part in new[] { "-R", ServiceUser + ":", folder })
        {
            start.ArgumentList.Add(part);
        }

        using var process = Process.Start(start) ?? throw new LocalPostgresException("chown could not be started");
        var error = await process.StandardError.ReadToEndAsync(cancellation).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new LocalPostgresException($"running as root, the data folder must belong to the '{ServiceUser}' user, but chown failed: {error}");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
