using System.Diagnostics;

namespace OutboxSdk.Testing;

/// <summary>Finds the folder with initdb, pg_ctl and postgres.</summary>
internal static class PostgresBinaries
{
    public const string EnvironmentVariable = "OUTBOX_PG_BINDIR";

    public static string Find(string? configured)
    {
        foreach (var candidate in Candidates(configured))
        {
            if (File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl")))
            {
                return candidate;
            }
        }

        throw new LocalPostgresException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found: looked at " + EnvironmentVariable + ", `pg_config --bindir`, "
            + "/usr/lib/postgresql/*/bin and PATH. Install PostgreSQL (Debian/Ubuntu: `apt-get install -y postgresql`; "
            + "macOS: `brew install postgresql`) or set " + EnvironmentVariable + " to the folder that holds initdb.");
    }

    private static IEnumerable<string> Candidates(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            // An explicit choice is the only candidate: falling back to another version would hide a mistake.
            yield return configured;
            yield break;
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            yield return fromEnvironment;
            yield break;
        }

        if (PgConfigBinDir() is { } fromPgConfig)
        {
            yield return fromPgConfig;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var versions = Directory.GetDirectories(debianRoot)
                .Select(d => (Path: d, Version: double.TryParse(Path.GetFileName(d), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .OrderByDescending(d => d.Version);
            foreach (var version in versions)
            {
                yield return Path.Combine(version.Path, "bin");
            }
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return folder;
        }
    }

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(10_000) && process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config is not installed (it often is not: it ships with the -dev package)
        }
    }
}
