using Microsoft.EntityFrameworkCore.Infrastructure;
using OutboxSdk.EntityFrameworkCore.Publishing;

namespace Microsoft.EntityFrameworkCore
{
    /// <summary>Adds the outbox to a context's options.</summary>
    public static class OutboxDbContextOptionsBuilderExtensions
    {
        /// <summary>
        /// Adds the outbox's interceptor, which writes messages published on the context without a transaction inside the
        /// transaction of its next <c>SaveChanges</c>. Adding it twice adds it once.
        /// </summary>
        public static DbContextOptionsBuilder UseOutbox(this DbContextOptionsBuilder optionsBuilder)
        {
            ArgumentNullException.ThrowIfNull(optionsBuilder);
            var present = optionsBuilder.Options.FindExtension<CoreOptionsExtension>()?.Interceptors?.Any(static i => i is OutboxSaveChangesInterceptor) == true;
            return present ? optionsBuilder : optionsBuilder.AddInterceptors(OutboxSaveChangesInterceptor.Instance);
        }

        /// <inheritdoc cref="UseOutbox(DbContextOptionsBuilder)" />
        public static DbContextOptionsBuilder<TContext> UseOutbox<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder)
            where TContext : DbContext =>
            (DbContextOptionsBuilder<TContext>)UseOutbox((DbContextOptionsBuilder)optionsBuilder);
    }
}

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers the EF Core integration of the outbox.</summary>
    public static class OutboxEntityFrameworkCoreServiceCollectionExtensions
    {
        /// <summary>
        /// Adds the outbox's interceptor to every <typeparamref name="TContext"/> that DI creates (<c>AddDbContext</c>,
        /// <c>AddDbContextFactory</c>, <c>AddDbContextPool</c>; before or after this call), so <c>outbox.PublishAsync(message, db)</c>
        /// without a transaction commits with the next <c>SaveChanges</c>. The runtime itself still comes from <c>AddOutbox</c>.
        /// </summary>
        public static IServiceCollection AddOutboxEntityFrameworkCore<TContext>(this IServiceCollection services)
            where TContext : DbContext
        {
            ArgumentNullException.ThrowIfNull(services);
            return services.ConfigureDbContext<TContext>(static options => options.UseOutbox());
        }
    }
}
