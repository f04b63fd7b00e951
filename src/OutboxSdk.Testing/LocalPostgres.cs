using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace OutboxSdk.Testing;

/// <summary>
/// A throwaway PostgreSQL server: a fresh cluster in its own temporary folder, listening on 127.0.0.1 at a free
/// port, with wal_level=logical so logical replication works. Durability is switched off (fsync,
/// synchronous_commit, full_page_writes) because the data is deleted anyway and tests run several times faster.
/// <code>await using var pg = await LocalPostgres.StartAsync();</code>
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const int PortAttempts = 5;
    private readonly string _dataDirectory;
    private int _disposed;

    private LocalPostgres(string binDirectory, string folder, int port)
    {
        BinDirectory = binDirectory;
        Folder = folder;
        _dataDirectory = Path.Combine(folder, "data");
        Port = port;
        ConnectionString = ConnectionStringFor("postgres");
        AppDomain.CurrentDomain.ProcessExit += StopAtExit;
    }

    /// <summary>The folder with the Postgres programs that runs this server.</summary>
    public string BinDirectory { get; }

    /// <summary>The temporary folder holding the cluster, its log and its socket; deleted by <see cref="DisposeAsync"/>.</summary>
    public string Folder { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>An Npgsql connection string to the <c>postgres</c> database as the superuser <c>postgres</c> (trust authentication).</summary>
    public string ConnectionString { get; }

    /// <summary>Initialises and starts a new cluster.</summary>
    /// <exception cref="LocalPostgresException">
    /// No binaries were found (the message says how to install them), the server did not start, or, running as root,
    /// the <c>postgres</c> user cannot reach the folder (<see cref="LocalPostgresOptions.TempRoot"/> under a 0700 folder;
    /// the message names the folder and the fix).
    /// </exception>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalPostgresOptions();
        var bin = PostgresBinaries.Find(options.BinDirectory);
        var folder = CreateFolder(options.TempRoot);
        try
        {
            await PostgresCommand.ChownAsync(folder, cancellationToken).ConfigureAwait(false);
            await PostgresCommand.EnsureReachableAsync(folder, cancellationToken).ConfigureAwait(false);
            var data = Path.Combine(folder, "data");
            var (code, output) = await PostgresCommand.RunAsync(Path.Combine(bin, "initdb"),
                ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                throw new LocalPostgresException($"initdb failed (exit {code}): {output}");
            }

            File.AppendAllText(Path.Combine(data, "postgresql.conf"), "\ninclude 'outbox_testing.conf'\n");
            for (var attempt = 1; ; attempt++)
            {
                // Another process may take the port between our probe and the server's bind: try another.
                var port = FreePort();
                WriteSettings(data, folder, port, options);
                var log = Path.Combine(folder, "postgres.log");
                var seconds = Math.Max(1, (int)options.StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                (code, output) = await PostgresCommand.RunAsync(Path.Combine(bin, "pg_ctl"),
                    ["start", "-w", "-t", seconds, "-D", data, "-l", log],
                    options.StartTimeout + TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
                if (code == 0)
                {
                    return new LocalPostgres(bin, folder, port);
                }

                var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken).ConfigureAwait(false) : "";
                var portTaken = serverLog.Contains("could not bind", StringComparison.Ordinal) || serverLog.Contains("already in use", StringComparison.Ordinal);
                if (!portTaken || attempt == PortAttempts)
                {
                    throw new LocalPostgresException($"pg_ctl start failed (exit {code}): {output}\nserver log:\n{serverLog}");
                }
            }
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>A connection string to <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>A new data source for <paramref name="database"/> (default <c>postgres</c>); the caller disposes it.</summary>
    public NpgsqlDataSource CreateDataSource(string database = "postgres") => NpgsqlDataSource.Create(ConnectionStringFor(database));

    /// <summary>Creates a database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var connection = new NpgsqlConnection(ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand("CREATE DATABASE \"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return ConnectionStringFor(name);
    }

    /// <summary>
    /// Stops the server with <paramref name="mode"/>, keeping its data folder and port, so that
    /// <see cref="StartServerAsync"/> can start it again (tests of what clients do while the database restarts).
    /// </summary>
    /// <exception cref="LocalPostgresException">pg_ctl stop failed.</exception>
    public async Task StopServerAsync(LocalPostgresShutdown mode = LocalPostgresShutdown.Fast, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var (code, output) = await PostgresCommand.RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["stop", "-m", mode.ToString().ToLowerInvariant(), "-w", "-t", "60", "-D", _dataDirectory],
            TimeSpan.FromSeconds(70), cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new LocalPostgresException($"pg_ctl stop -m {mode.ToString().ToLowerInvariant()} failed (exit {code}): {output}");
        }
    }

    /// <summary>Starts a server stopped by <see cref="StopServerAsync"/> again on the same data folder and port (after an immediate stop, Postgres runs crash recovery first).</summary>
    /// <exception cref="LocalPostgresException">pg_ctl start failed (for example, another process took the port meanwhile); the message holds the server log.</exception>
    public async Task StartServerAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var log = Path.Combine(Folder, "postgres.log");
        var (code, output) = await PostgresCommand.RunAsync(Path.Combine(BinDirectory, "pg_ctl"),
            ["start", "-w", "-t", "120", "-D", _dataDirectory, "-l", log],
            TimeSpan.FromSeconds(130), cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken).ConfigureAwait(false) : "";
            throw new LocalPostgresException($"pg_ctl start (restart on port {Port}) failed (exit {code}): {output}\nserver log:\n{serverLog}");
        }
    }

    /// <summary>Stops the server with <paramref name="mode"/>, stays down for <paramref name="downtime"/>, and starts it again on the same port.</summary>
    public async Task RestartAsync(LocalPostgresShutdown mode, TimeSpan downtime = default, CancellationToken cancellationToken = default)
    {
        await StopServerAsync(mode, cancellationToken).ConfigureAwait(false);
        if (downtime > TimeSpan.Zero)
        {
            await Task.Delay(downtime, cancellationToken).ConfigureAwait(false);
        }

        await StartServerAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= StopAtExit;
        NpgsqlConnection.ClearAllPools();
        await PostgresCommand.RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-m", "immediate", "-w", "-D", _dataDirectory],
            TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
        TryDelete(Folder);
    }

    // A test host that exits without disposing must not leave a server running.
    private void StopAtExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            PostgresCommand.RunAsync(Path.Combine(BinDirectory, "pg_ctl"), ["stop", "-m", "immediate", "-D", _dataDirectory],
                TimeSpan.FromSeconds(10), CancellationToken.None).GetAwaiter().GetResult();
            TryDelete(Folder);
        }
    }

    private static void WriteSettings(string data, string folder, int port, LocalPostgresOptions options)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = "'127.0.0.1'",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            ["unix_socket_directories"] = "'" + folder + "'",
            ["wal_level"] = "logical",
            ["max_replication_slots"] = "20",
            ["max_wal_senders"] = "20",
            ["fsync"] = "off",
            ["synchronous_commit"] = "off",
            ["full_page_writes"] = "off",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var text = new StringBuilder("# written by OutboxSdk.Testing.LocalPostgres\n");
        foreach (var (key, value) in settings)
        {
            text.Append(key).Append(" = ").Append(value).Append('\n');
        }

        File.WriteAllText(Path.Combine(data, "outbox_testing.conf"), text.ToString());
    }

    private static string CreateFolder(string? tempRoot)
    {
        // As root the postgres user must reach the folder, which a root-only TMPDIR would prevent; the socket
        // path must also stay under the ~100-byte limit of unix socket names, hence a short name.
        var root = tempRoot ?? (PostgresCommand.IsRoot ? "/tmp" : Path.GetTempPath());
        var folder = Path.Combine(root, "obxpg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string folder)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100); // the stopping server may still be removing its socket and pid files
            }
            catch (UnauthorizedAccessException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
