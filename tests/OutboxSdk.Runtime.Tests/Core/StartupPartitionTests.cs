using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Outbox;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.Core;

/// <summary>
/// Startup creates the time partitions before the application can publish, so on a fresh database the first
/// messages never land in the default partition (which retention would then have to move, with a warning).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StartupPartitionTests(PostgresFixture db)
{
    [Fact]
    public async Task A_fresh_host_has_the_current_and_next_partitions_and_publishes_past_the_default()
    {
        await using var dataSource = db.CreateDataSource();
        var schema = PostgresFixture.NewSchemaName();
        using var host = await CoreHost.StartAsync(dataSource, schema); // daily partitions, the default
        try
        {
            // Read right after StartAsync: the retention job's own first run may not have happened yet.
            var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
            var partitions = await PartitionsAsync(dataSource, schema);
            Assert.Contains(PartitionName(today), partitions);
            Assert.Contains(PartitionName(today.AddDays(1)), partitions);

            var outbox = host.Services.GetRequiredService<IOutbox>();
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await outbox.PublishAsync(new CoreAudit("first message"), transaction);
                await transaction.CommitAsync();
            }

            Assert.Equal(1L, await ScalarAsync(dataSource, $"SELECT count(*) FROM \"{schema}\".\"messages\""));
            Assert.Equal(0L, await ScalarAsync(dataSource, $"SELECT count(*) FROM \"{schema}\".\"messages_default\""));
        }
        finally
        {
            await host.StopAsync();
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    // Daily partitions are named messages_pYYYYMMDD (docs/retention.md): the names users see in psql and 'outbox status'.
    private static string PartitionName(DateTime day) =>
        "messages_p" + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static async Task<List<string>> PartitionsAsync(NpgsqlDataSource dataSource, string schema)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = $1 AND p.relname = 'messages'
            """);
        command.Parameters.AddWithValue(schema);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
