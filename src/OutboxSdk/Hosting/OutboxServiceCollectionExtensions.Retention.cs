using OutboxSdk;
using OutboxSdk.Retention;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class OutboxServiceCollectionExtensions
{
    /// <summary>The retention job: time partitions created ahead, expired delivered ones dropped (docs/retention.md).</summary>
    static partial void AddRetention(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, RetentionOptionsValidator>());
        services.AddHostedService<RetentionService>();
    }
}
