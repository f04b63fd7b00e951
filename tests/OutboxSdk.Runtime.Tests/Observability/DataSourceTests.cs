using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk;
using OutboxSdk.Delivery;
using OutboxSdk.Sources.Notify;

namespace OutboxSdk.Observability.Tests;

/// <summary>
/// Writer, relay, observability and retention share the core's one data source: a connection-string-only
/// configuration opens one pool, which the container disposes once; a data source the application gave stays its own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DataSourceTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_publisher_only_process_with_a_connection_string_has_one_owned_pool_that_everything_uses()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var services = new ServiceCollection();
        services.AddOutbox(o =>
        {
            o.ConnectionString = fixture.Postgres.ConnectionString;
            o.Schema = outbox.Schema;
            o.RunRelay = false;
        });
        NpgsqlDataSource shared;
        await using (var provider = services.BuildServiceProvider())
        {
            shared = provider.GetRequiredService<OutboxDataSource>().DataSource;
            Assert.Same(shared, provider.GetRequiredService<RelayDataSource>().Value);

            // The monitor measures through the shared pool: a message inserted elsewhere is counted.
            await outbox.InsertMessageAsync(DateTimeOffset.UtcNow);
            var snapshot = await provider.GetRequiredService<BacklogMonitor>().MeasureAsync(CancellationToken.None);
            Assert.Equal(1L, snapshot.Count);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await shared.OpenConnectionAsync());
    }

    [Fact]
    public async Task A_relay_process_with_a_connection_string_gives_the_relay_a_pool_of_its_own_named_for_the_process_and_disposes_both()
    {
        await using var outbox = await fixture.NewOutboxAsync();
        var services = new ServiceCollection();
        services.AddOutbox(o =>
        {
            o.ConnectionString = new NpgsqlConnectionStringBuilder(fixture.Postgres.ConnectionString) { ApplicationName = "shop" }.ConnectionString;
            o.Schema = outbox.Schema;
        });
        NpgsqlDataSource core, relay;
        await using (var provider = services.BuildServiceProvider())
        {
            core = provider.GetRequiredService<OutboxDataSource>().DataSource;
            relay = provider.GetRequiredService<RelayDataSource>().Value;
            Assert.NotSame(core, relay);
            await using var connection = await relay.OpenConnectionAsync();
            await using var name = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
            Assert.Matches("^shop#outbox-relay-[0-9a-f]{12}$", (string)(await name.ExecuteScalarAsync())!);
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await core.OpenConnectionAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await relay.OpenConnectionAsync());
    }

    [Fact]
    public async Task A_data_source_from_the_application_is_used_and_left_open()
    {
        await using var own = fixture.Postgres.CreateDataSource();
        var services = new ServiceCollection();
        services.AddOutbox(o =>
        {
            o.DataSource = own;
            o.RunRelay = false;
        });
        await using (var provider = services.BuildServiceProvider())
        {
            Assert.Same(own, provider.GetRequiredService<OutboxDataSource>().DataSource);
            Assert.Same(own, provider.GetRequiredService<RelayDataSource>().Value);
        }

        await using var connection = await own.OpenConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }
}
