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
            // The postgres user may not be able to enter the caller's working folder (under /root, say): the tools
            // would warn "could not change directory ...: Permission denied". Run them from / instead.
            start.WorkingDirectory = "/";
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

    /// <summary>
    /// As root, checks that the postgres user can reach and write <paramref name="folder"/>: chown gives it the folder
    /// but not its parents, and a parent without search permission for others (mode 0700, such as a <c>mktemp -d</c>
    /// folder or anything under /root) would otherwise fail initdb with a bare "Permission denied".
    /// </summary>
    /// <exception cref="LocalPostgresException">The folder is unreachable; the message names the blocking folder and the fix.</exception>
    public static async Task EnsureReachableAsync(string folder, CancellationToken cancellation)
    {
        if (!IsRoot || await CanAccessAsync("-w", folder, cancellation).ConfigureAwait(false))
        {
            return;
        }

        var blocking = folder;
        for (var parent = Path.GetDirectoryName(folder); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (!await CanAccessAsync("-x", parent, cancellation).ConfigureAwait(false))
            {
                blocking = parent;
            }
        }

        throw new LocalPostgresException(
            $"LocalPostgres runs as root, so it runs initdb and postgres as the '{ServiceUser}' user (they refuse to run as root), " +
            $"but that user cannot reach its folder '{folder}': '{blocking}' does not let other users through (for example mode 0700). " +
            $"Set LocalPostgresOptions.TempRoot to a folder every user can enter (the default, /tmp, is), " +
            $"or let others through: chmod o+x '{blocking}'.");
    }

    private static async Task<bool> CanAccessAsync(string test, string path, CancellationToken cancellation)
    {
        var (code, _) = await RunAsync("test", [test, path], TimeSpan.FromSeconds(10), cancellation).ConfigureAwait(false);
        return code == 0;
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
