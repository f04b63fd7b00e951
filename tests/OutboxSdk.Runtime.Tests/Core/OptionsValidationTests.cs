using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Registration;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.Core;

public sealed class OptionsValidationTests
{
    private const string Valid = "Host=127.0.0.1;Database=app;Username=app";

    [Fact]
    public void The_defaults_with_a_connection_string_are_valid()
    {
        Assert.True(Validate(o => o.ConnectionString = Valid).Succeeded);
    }

    [Fact]
    public void No_database_names_the_three_ways_to_configure_one()
    {
        var message = Failure(_ => { });

        Assert.Contains("OutboxOptions.ConnectionString", message, StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.DataSource", message, StringComparison.Ordinal);
        Assert.Contains("register an NpgsqlDataSource", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_source_registered_in_DI_is_enough()
    {
        var services = new ServiceCollection();
        services.AddSingleton(NpgsqlDataSource.Create(Valid));
        using var provider = services.BuildServiceProvider();
        var validator = new OutboxOptionsValidator(provider.GetRequiredService<IServiceProviderIsService>());

        Assert.True(validator.Validate(null, new OutboxOptions()).Succeeded);
    }

    [Fact]
    public void A_malformed_connection_string_is_reported_without_repeating_it()
    {
        var message = Failure(o => o.ConnectionString = "Host=x;Password=s3cret;Bogus Keyword=1");

        Assert.Contains("OutboxOptions.ConnectionString is not a valid Npgsql connection string", message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchSize")]
    [InlineData("MaxDegreeOfParallelism")]
    [InlineData("Retry.MaxAttempts")]
    public void A_count_below_one_names_the_option(string option)
    {
        var message = Failure(o =>
        {
            o.ConnectionString = Valid;
            switch (option)
            {
                case "BatchSize": o.BatchSize = 0; break;
                case "MaxDegreeOfParallelism": o.MaxDegreeOfParallelism = -1; break;
                default: o.Retry.MaxAttempts = 0; break;
            }
        });

        Assert.StartsWith($"OutboxOptions.{option} must be at least 1", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_positive_poll_interval_is_accepted_and_zero_is_not()
    {
        Assert.True(Validate(o => { o.ConnectionString = Valid; o.PollInterval = TimeSpan.FromSeconds(30); }).Succeeded);
        Assert.StartsWith("OutboxOptions.PollInterval must be positive", Failure(o => { o.ConnectionString = Valid; o.PollInterval = TimeSpan.Zero; }), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_and_channel_names_must_be_postgres_identifiers()
    {
        Assert.Contains("OutboxOptions.Schema '' is not a Postgres identifier", Failure(o => { o.ConnectionString = Valid; o.Schema = ""; }), StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.Schema", Failure(o => { o.ConnectionString = Valid; o.Schema = new string('s', 64); }), StringComparison.Ordinal);
        // 63 bytes is a valid schema, but the default channel "outbox_" + schema is then too long for LISTEN.
        Assert.Contains("set a shorter NotifyChannel", Failure(o => { o.ConnectionString = Valid; o.Schema = new string('s', 63); }), StringComparison.Ordinal);
        Assert.True(Validate(o => { o.ConnectionString = Valid; o.Schema = new string('s', 63); o.NotifyChannel = "wake"; }).Succeeded);
    }

    [Fact]
    public void Retry_delays_and_timeout_are_checked()
    {
        var message = string.Join("\n", Validate(o =>
        {
            o.ConnectionString = Valid;
            o.Retry.InitialDelay = TimeSpan.FromSeconds(10);
            o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            o.Retry.HandlerTimeout = TimeSpan.Zero;
            o.Retry.UnreadableSchemaTimeout = TimeSpan.Zero;
            o.Retry.UnreadableSchemaStepDownAfter = TimeSpan.FromSeconds(-1);
        }).Failures!);

        Assert.Contains("OutboxOptions.Retry.MaxDelay (00:00:01) must be at least Retry.InitialDelay (00:00:10)", message, StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.Retry.HandlerTimeout must be positive", message, StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.Retry.UnreadableSchemaTimeout must be positive, or Timeout.InfiniteTimeSpan to wait for good", message, StringComparison.Ordinal);
        Assert.Contains("OutboxOptions.Retry.UnreadableSchemaStepDownAfter must be positive", message, StringComparison.Ordinal);
        Assert.True(Validate(o => { o.ConnectionString = Valid; o.Retry.HandlerTimeout = Timeout.InfiniteTimeSpan; }).Succeeded);
        Assert.True(Validate(o => { o.ConnectionString = Valid; o.Retry.UnreadableSchemaTimeout = Timeout.InfiniteTimeSpan; }).Succeeded);
    }

    [Fact]
    public void Replication_mode_is_accepted_for_a_relay_and_for_a_publisher_but_a_bad_slot_name_is_not()
    {
        Assert.True(Validate(o => { o.ConnectionString = Valid; o.RelayMode = RelayMode.Replication; }).Succeeded);
        Assert.True(Validate(o => { o.ConnectionString = Valid; o.RelayMode = RelayMode.Replication; o.RunRelay = false; }).Succeeded);
        Assert.Contains("OutboxOptions.Replication.SlotName", Failure(o => { o.ConnectionString = Valid; o.RelayMode = RelayMode.Replication; o.Replication.SlotName = "Bad Slot"; }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_refuses_to_start_and_lists_every_problem()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOutbox(o => o.BatchSize = 0);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(2, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.StartsWith("OutboxOptions: no database is configured", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("OutboxOptions.BatchSize", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(Action<OutboxOptions> configure)
    {
        var options = new OutboxOptions();
        configure(options);
        return new OutboxOptionsValidator().Validate(null, options);
    }

    private static string Failure(Action<OutboxOptions> configure)
    {
        var result = Validate(configure);
        Assert.True(result.Failed);
        return Assert.Single(result.Failures!);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class DataSourceResolutionTests(PostgresFixture db)
{
    [Fact]
    public async Task A_data_source_from_DI_is_used_and_left_open_when_the_host_is_disposed()
    {
        var schema = PostgresFixture.NewSchemaName();
        await using var dataSource = db.CreateDataSource();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddOutbox(o => { o.Schema = schema; o.RunRelay = false; });
        using (var host = builder.Build())
        {
            await host.StartAsync();
            await host.StopAsync();
        }

        await using var command = dataSource.CreateCommand($"SELECT max(version) FROM \"{schema}\".migrations");
        Assert.Equal(OutboxSdk.Migrations.OutboxMigrator.LatestVersion, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_connection_string_is_enough_to_migrate_and_publish()
    {
        var schema = PostgresFixture.NewSchemaName();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOutbox(o => { o.ConnectionString = db.ConnectionString; o.Schema = schema; o.RunRelay = false; });
        builder.Services.AddOutboxTypes(AreaRegistrations.Runtime);
        using var host = builder.Build();
        await host.StartAsync();

        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await host.Services.GetRequiredService<IOutbox>().PublishAsync(new CoreAudit("via connection string"), transaction);
            await transaction.CommitAsync();
        }

        await using var dataSource = db.CreateDataSource();
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"{schema}\".messages");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_ApplyMigrations_a_database_without_the_tables_stops_the_host_with_the_fix()
    {
        var schema = PostgresFixture.NewSchemaName();
        await using var dataSource = db.CreateDataSource();
        using var host = CoreHost.Build(dataSource, schema, o => o.ApplyMigrations = false);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("at version 0, this SDK needs version 5", e.Message, StringComparison.Ordinal);
        Assert.Contains($"outbox migrate --connection <connection string> --schema {schema}", e.Message, StringComparison.Ordinal);
    }
}
