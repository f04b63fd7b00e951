using Npgsql;
using OutboxSdk.Testing;

namespace OutboxSdk.TestSupport;

/// <summary>
/// Starts one <see cref="LocalPostgres"/> (wal_level=logical) for the collection that uses it: a test assembly defines
/// one xunit collection per settings profile (the subclasses below), so each profile has one cluster per run. Tests
/// isolate themselves by schema (<see cref="NewSchemaName"/>, <see cref="NewSchemaAsync"/>) and derive slot,
/// publication and channel names from it.
/// </summary>
public class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;
    private NpgsqlDataSource? _dataSource;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The connection string of the <c>postgres</c> database, as the superuser.</summary>
    public string ConnectionString => Postgres.ConnectionString;

    /// <summary>One data source of the <c>postgres</c> database shared by the collection's tests (the fixture disposes it).</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The profile's server settings (postgresql.conf), on top of LocalPostgres's own.</summary>
    protected virtual void Configure(LocalPostgresOptions options)
    {
    }

    /// <summary>What the profile does to the running server before the first test (roles, pg_hba, TLS).</summary>
    protected virtual Task SetUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var options = new LocalPostgresOptions();
        Configure(options);
        _postgres = await LocalPostgres.StartAsync(options);
        _dataSource = _postgres.CreateDataSource();
        await SetUpAsync();
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A schema name no other test uses (lower case, so it needs no quoting in hand-written SQL).</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>A schema (or role) name no other test uses.</summary>
    public static string NewName(string prefix = "h_") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A new data source of the <c>postgres</c> database as the superuser; the caller disposes it.</summary>
    public NpgsqlDataSource CreateDataSource() => Postgres.CreateDataSource();

    /// <summary>A connection string as <paramref name="role"/> with <paramref name="password"/>.</summary>
    public string ConnectionStringAs(string role, string password) => new NpgsqlConnectionStringBuilder(ConnectionString)
    {
        Username = role,
        Password = password,
    }.ConnectionString;

    /// <summary>Runs SQL as the superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A scalar as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A fresh schema that is first on the search_path of every connection the scope opens; dropped on dispose.</summary>
    public async Task<SchemaScope> NewSchemaAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..12];
        var scope = new SchemaScope(Postgres, schema);
        await scope.ExecuteAsync($"CREATE SCHEMA \"{schema}\"");
        return scope;
    }
}

/// <summary>
/// logical_decoding_work_mem at its minimum, 64kB, so that any transaction beyond it is streamed in progress
/// (protocol v2) and the Replication relay's streamed path is exercised.
/// </summary>
public sealed class StreamingPostgresFixture : PostgresFixture
{
    protected override void Configure(LocalPostgresOptions options) => options.Settings["logical_decoding_work_mem"] = "64kB";
}

/// <summary>
/// max_slot_wal_keep_size = 1MB, where a slot whose consumer is away is invalidated after a few megabytes of WAL: the
/// lost-slot tests. Its own collection, so no other test's inactive slot lives there.
/// </summary>
public class SmallWalFixture : PostgresFixture
{
    protected override void Configure(LocalPostgresOptions options) => options.Settings["max_slot_wal_keep_size"] = "1MB";
}

/// <summary>As <see cref="SmallWalFixture"/>, with <c>track_commit_timestamp = on</c>: the lost-slot gap narrowed by commit timestamps.</summary>
public sealed class SmallWalTrackedFixture : SmallWalFixture
{
    protected override void Configure(LocalPostgresOptions options)
    {
        base.Configure(options);
        options.Settings["track_commit_timestamp"] = "on";
    }
}

/// <summary>
/// TCP connections need a password (SCRAM) for every role but the superuser <c>postgres</c>, which keeps trust: the
/// roles the security tests create authenticate for real. TLS is on, with a self-signed certificate.
/// </summary>
public sealed class SecuredPostgresFixture : PostgresFixture
{
    /// <summary>Members of this group role may connect over TLS only (pg_hba hostnossl ... reject).</summary>
    public const string TlsOnlyGroup = "tls_only";

    /// <summary>The server's self-signed certificate (CN and SAN 127.0.0.1), for clients that verify it.</summary>
    public string CertificateFile => Path.Combine(Postgres.Folder, "data", "server.crt");

    protected override async Task SetUpAsync()
    {
        var data = Path.Combine(Postgres.Folder, "data");
        await CreateCertificateAsync(data);
        await File.WriteAllTextAsync(Path.Combine(data, "pg_hba.conf"), $"""
            # written by the hardening tests: the superuser keeps trust, every other role needs its password,
            # and members of {TlsOnlyGroup} must also use TLS
            local all all trust
            host all postgres 127.0.0.1/32 trust
            hostnossl all +{TlsOnlyGroup} 127.0.0.1/32 reject
            host all all 127.0.0.1/32 scram-sha-256

            """);
        await ExecuteAsync($"CREATE ROLE {TlsOnlyGroup} NOLOGIN");
        await ExecuteAsync("ALTER SYSTEM SET ssl = on");
        await ExecuteAsync("SELECT pg_reload_conf()");
    }

    // A key the server accepts: owned by the server's user (the data folder's owner) and readable by it alone.
    private static async Task CreateCertificateAsync(string data)
    {
        await RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", Path.Combine(data, "server.key"), "-out", Path.Combine(data, "server.crt"));
        await RunAsync("chown", "--reference=" + data, Path.Combine(data, "server.key"), Path.Combine(data, "server.crt"));
        await RunAsync("chmod", "600", Path.Combine(data, "server.key"));
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} failed: {await error}");
    }
}

/// <summary>A schema of its own: every connection of <see cref="DataSource"/> has it first on the search_path.</summary>
public sealed class SchemaScope(LocalPostgres postgres, string schema) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.ConnectionString)
    {
        SearchPath = schema,
    }.ConnectionString);

    public string Schema { get; } = schema;

    /// <summary>The server's connection string (no search_path), e.g. for a replication connection.</summary>
    public string ConnectionString => postgres.ConnectionString;

    public NpgsqlDataSource DataSource => _dataSource;

    public async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await _dataSource.DisposeAsync();
    }
}
