using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OutboxSdk.Hosting;
using OutboxSdk.SchemaRegistry;

namespace OutboxSdk.Migrations;

/// <summary>
/// Prepares the database when the host starts, in <see cref="IHostedLifecycleService.StartingAsync"/> (which runs
/// before any hosted service's StartAsync, the relay's included): applies the migrations when
/// <see cref="OutboxOptions.ApplyMigrations"/> is set, else checks that someone did, then registers the generated
/// message schemas. A failure stops the host with the reason.
/// </summary>
internal sealed class OutboxStartupService(IOptions<OutboxOptions> options, OutboxMigrator migrator, OutboxSchemaRegistry schemas) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
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

        await schemas.RegisterGeneratedAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
