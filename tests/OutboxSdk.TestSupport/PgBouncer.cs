using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using OutboxSdk.Testing;

namespace OutboxSdk.TestSupport;

/// <summary>
/// A real PgBouncer (Debian's <c>pgbouncer</c>, /usr/sbin/pgbouncer) in front of a <see cref="LocalPostgres"/>, on a
/// loopback port of its own, in a throwaway folder: every database, trust authentication for <c>postgres</c>, the
/// pool mode asked for. As root it runs as the <c>postgres</c> user (PgBouncer refuses root). Disposing stops it and
/// deletes the folder.
/// </summary>
public sealed class PgBouncer : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/pgbouncer";
    private readonly Process _process;
    private readonly string _folder;

    private PgBouncer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// A connection string to <paramref name="database"/> through the pooler, from <paramref name="postgres"/>'s own:
    /// no search path (PgBouncer refuses startup parameters it does not track) and no reset query, as Npgsql's
    /// documentation advises for transaction pooling.
    /// </summary>
    public string ConnectionString(string postgresConnectionString) =>
        new NpgsqlConnectionStringBuilder(postgresConnectionString) { Host = "127.0.0.1", Port = Port, SearchPath = null, NoResetOnClose = true }.ConnectionString;

    public static async Task<PgBouncer> StartAsync(LocalPostgres postgres, string poolMode = "transaction", int poolSize = 4)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install Debian's pgbouncer (apt-get install pgbouncer; .ci/run does).");
        }

        var folder = Path.Combine("/tmp", "obxpgb-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var server = new NpgsqlConnectionStringBuilder(postgres.ConnectionString);
        await File.WriteAllTextAsync(Path.Combine(folder, "userlist.txt"), "\"postgres\" \"\"\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "pgbouncer.ini"), $"""
            [databases]
            * = host={server.Host} port={server.Port}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {folder}/userlist.txt
            pool_mode = {poolMode}
            default_pool_size = {poolSize}
            max_client_conn = 500
            server_reset_query =
            ignore_startup_parameters = extra_float_digits
            logfile = {folder}/pgbouncer.log
            pidfile = {folder}/pgbouncer.pid
            """);
        var root = Environment.UserName == "root";
        if (root)
        {
            using var chown = Process.Start("chown", ["-R", "postgres", folder]);
            await chown.WaitForExitAsync();
        }

        var start = new ProcessStartInfo(root ? "runuser" : Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in root ? ["-u", "postgres", "--", Binary, Path.Combine(folder, "pgbouncer.ini")] : new[] { Path.Combine(folder, "pgbouncer.ini") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var bouncer = new PgBouncer(process, folder, port);
        for (var waited = 0; ; waited += 100)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return bouncer;
            }
            catch (SocketException) when (waited < 10_000 && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                var log = File.Exists(Path.Combine(folder, "pgbouncer.log")) ? await File.ReadAllTextAsync(Path.Combine(folder, "pgbouncer.log")) : "";
                await bouncer.DisposeAsync();
                throw new InvalidOperationException($"pgbouncer did not start on port {port}: {log}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file PgBouncer was still writing; /tmp is cleaned eventually.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
