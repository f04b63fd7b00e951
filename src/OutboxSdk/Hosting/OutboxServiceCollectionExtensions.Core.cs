using OutboxSdk;
using OutboxSdk.Migrations;
using OutboxSdk.Outbox;
using OutboxSdk.Registration;
using OutboxSdk.SchemaRegistry;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    // Options validation, the data source, migrations, the schema registry and the writer.
    static partial void AddCore(IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.TryAddSingleton<OutboxDataSource>();

        // Without a generated registration there are no types: publishing then says which call is missing.
        services.TryAddSingleton(static provider => new OutboxMigrator(
            provider.GetRequiredService<OutboxDataSource>().DataSource,
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Schema,
            provider.GetService<ILogger<OutboxMigrator>>()));
        services.TryAddSingleton(static provider => new OutboxSchemaRegistry(
            TypesOf(provider),
            provider.GetRequiredService<OutboxDataSource>().DataSource,
            provider.GetRequiredService<IOptions<OutboxOptions>>().Value.Schema,
            provider.GetService<ILogger<OutboxSchemaRegistry>>())
        {
            Compatibility = provider.GetRequiredService<IOptions<OutboxOptions>>().Value.SchemaCompatibility,
        });
        services.TryAddSingleton<IOutbox>(static provider => new NpgsqlOutbox(TypesOf(provider), provider.GetRequiredService<IOptions<OutboxOptions>>()));

        // Registered before the relay's services (AddRelay runs after AddCore), and it works in StartingAsync,
        // which the host runs before every StartAsync: the tables exist before anything reads them.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, OutboxStartupService>());
    }

    private static OutboxTypeRegistry TypesOf(IServiceProvider provider) =>
        provider.GetService<OutboxTypeRegistry>() ?? new OutboxTypeRegistry([]);
}
