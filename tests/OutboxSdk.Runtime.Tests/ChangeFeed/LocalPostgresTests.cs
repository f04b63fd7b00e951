using Npgsql;
using OutboxSdk.Testing;

namespace OutboxSdk.ChangeFeed.Tests;

[Collection(PostgresCollection.Name)]
public sealed class LocalPostgresTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Shared_cluster_accepts_connections_with_logical_wal_and_replication_slots()
    {
        await using var dataSource = fixture.Postgres.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT current_setting('wal_level'), current_setting('max_replication_slots')::int, current_setting('fsync')");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("logical", reader.GetString(0));
        Assert.True(reader.GetInt32(1) >= 10);
        Assert.Equal("off", reader.GetString(2));
    }

    [Fact]
    public async Task CreateDatabase_returns_a_connection_string_to_the_new_database()
    {
        var name = "db_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = await fixture.Postgres.CreateDatabaseAsync(name);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);
        Assert.Equal(name, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_second_cluster_starts_on_its_own_port_and_dispose_stops_it_and_removes_its_folder()
    {
        var pg = await LocalPostgres.StartAsync();
        string folder;
        await using (pg)
        {
            folder = pg.Folder;
            Assert.NotEqual(fixture.Postgres.Port, pg.Port);
            Assert.True(Directory.Exists(folder));
            await using var connection = new NpgsqlConnection(pg.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW wal_level", connection);
            Assert.Equal("logical", await command.ExecuteScalarAsync());
        }

        Assert.False(Directory.Exists(folder));
        await using var refused = new NpgsqlConnection(pg.ConnectionString);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync());
    }

    [Fact]
    public async Task Missing_binaries_say_how_to_install_PostgreSQL()
    {
        var error = await Assert.ThrowsAsync<LocalPostgresException>(() =>
            LocalPostgres.StartAsync(new LocalPostgresOptions { BinDirectory = "/nonexistent/postgres/bin" }));
        Assert.Contains("apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("OUTBOX_PG_BINDIR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Unix modes; the local server is a Linux/macOS helper
    public async Task As_root_a_temp_root_under_a_0700_folder_is_refused_naming_the_folder_and_the_fix_and_the_fix_works()
    {
        var parent = Directory.CreateTempSubdirectory("obx-private-");
        try
        {
            File.SetUnixFileMode(parent.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var root = Directory.CreateDirectory(Path.Combine(parent.FullName, "pg")).FullName;
            var options = new LocalPostgresOptions { TempRoot = root };
            if (Environment.UserName == "root")
            {
                // The server runs as 'postgres', which cannot pass the 0700 parent.
                var error = await Assert.ThrowsAsync<LocalPostgresException>(() => LocalPostgres.StartAsync(options));
                Assert.Contains($"'{parent.FullName}' does not let other users through", error.Message, StringComparison.Ordinal);
                Assert.Contains("LocalPostgresOptions.TempRoot", error.Message, StringComparison.Ordinal);
                Assert.Contains($"chmod o+x '{parent.FullName}'", error.Message, StringComparison.Ordinal);
                Assert.Empty(Directory.GetDirectories(root)); // the attempt left nothing behind

                File.SetUnixFileMode(parent.FullName, File.GetUnixFileMode(parent.FullName) | UnixFileMode.OtherExecute);
            }

            // Not root (the server runs as the folder's owner), or root after the fix the message gives: it starts.
            await using var pg = await LocalPostgres.StartAsync(options);
            Assert.StartsWith(root, pg.Folder, StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(pg.ConnectionString);
            await connection.OpenAsync();
        }
        finally
        {
            parent.Delete(recursive: true);
        }
    }
}
