using Npgsql;
using OutboxSdk.Testing;

namespace Hardening.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster for the whole assembly; each test works in its own schema (and roles).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// Starts one <see cref="LocalPostgres"/> whose TCP connections need a password (SCRAM) for every role but the
/// superuser <c>postgres</c>, which keeps trust: the roles the security tests create authenticate for real.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgres? _postgres;

    public LocalPostgres Postgres => _postgres ?? throw new InvalidOperationException("the fixture has not started");

    public string ConnectionString => Postgres.ConnectionString;

    /// <summary>The server's self-signed certificate (CN and SAN 127.0.0.1), for clients that verify it.</summary>
    public string CertificateFile => Path.Combine(Postgres.Folder, "data", "server.crt");

    /// <summary>Members of this group role may connect over TLS only (pg_hba hostnossl ... reject).</summary>
    public const string TlsOnlyGroup = "tls_only";

    public async Task InitializeAsync()
    {
        _postgres = await LocalPostgres.StartAsync();
        var data = Path.Combine(_postgres.Folder, "data");
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

    public async Task DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    /// <summary>A schema (or role) name no other test uses.</summary>
    public static string NewName(string prefix = "h_") => prefix + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A data source of the <c>postgres</c> database as the superuser.</summary>
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
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A scalar as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = CreateDataSource();
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
