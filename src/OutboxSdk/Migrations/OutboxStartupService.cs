using OutboxSdk.Hosting;
using OutboxSdk.Retention;
using OutboxSdk.SchemaRegistry;

namespace OutboxSdk.Migrations;

/// <summary>
/// Prepares the database when the host starts, in <see cref="IHostedLifecycleService.StartingAsync"/> (which runs
/// before any hosted service's StartAsync, the relay's included): checks the server's version
/// (<see cref="PostgresVersions"/>); applies the migrations when
/// <see cref="OutboxOptions.ApplyMigrations"/> is set, else checks that someone did; creates the time partitions of
/// the current and the next interval; then registers the generated message schemas. A failed migration or
/// registration stops the host with the reason.
/// </summary>
internal sealed class OutboxStartupService(
    IOptions<OutboxOptions> options,
    OutboxMigrator migrator,
    OutboxSchemaRegistry schemas,
    OutboxDataSource dataSource,
    IBacklogProbe probe,
    TimeProvider time,
    ILogger<RetentionService>? retentionLogger = null,
    ILoggerFactory? loggers = null) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        // First, before anything else fails on a missing feature with a message that does not say why.
        await PostgresVersions.RequireAsync(dataSource.DataSource, options.Value.RelayMode,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger("OutboxSdk.Startup"), cancellationToken).ConfigureAwait(false);
        if (options.Value.ApplyMigrations)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var version = await migrator.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            if (version < OutboxMigrator.LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The outbox tables in schema '{migrator.Schema}' are at version {version}, this SDK needs version {OutboxMigrator.LatestVersion}. " +
                    $"Apply the migrations with 'outbox migrate --connection <connection string> --schema {migrator.Schema}' or the SQL of 'outbox script --schema {migrator.Schema}', " +
                    "or set OutboxOptions.ApplyMigrations = true.");
            }
        }

        await CreatePartitionsAsync(cancellationToken).ConfigureAwait(false);
        await schemas.RegisterGeneratedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The migration creates only the default partition. Without this, the first messages after a fresh install
    /// land there before the retention job's first run, which then has to move them (and warns that retention had
    /// not run); made here, the partitions exist before the application can publish, so the default stays empty
    /// and the warning keeps meaning what it says. A failure is not fatal: the retention job retries on its timer.
    /// </summary>
    private async Task CreatePartitionsAsync(CancellationToken cancellationToken)
    {
        var outbox = options.Value;
        var logger = (ILogger?)retentionLogger ?? NullLogger.Instance;
        var maintainer = new PartitionMaintainer(outbox.Schema, outbox.Retention.Window, outbox.Retention.PartitionInterval, probe, logger);
        try
        {
            await maintainer.RunAsync(dataSource.DataSource, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            RetentionLog.Failed(logger, outbox.Schema, e);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
