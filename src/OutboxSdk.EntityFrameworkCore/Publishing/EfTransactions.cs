using Microsoft.EntityFrameworkCore.Infrastructure;

namespace OutboxSdk.EntityFrameworkCore.Publishing;

/// <summary>The checks that turn a misconfigured context into an error naming the fix.</summary>
internal static class EfTransactions
{
    private const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static void RequireNpgsql(DbContext context)
    {
        string? provider;
        try
        {
            provider = context.Database.ProviderName;
        }
        catch (InvalidOperationException)
        {
            provider = null; // "No database provider has been configured": EF Core builds the context's services lazily
        }

        if (provider != NpgsqlProvider)
        {
            throw new InvalidOperationException(
                $"{context.GetType().Name} uses {(provider is null ? "no database provider" : $"the provider '{provider}'")}; the outbox writes to PostgreSQL through Npgsql. " +
                "Configure the context with `options.UseNpgsql(dataSource)` (package Npgsql.EntityFrameworkCore.PostgreSQL), ideally on the data source the outbox uses.");
        }
    }

    public static NpgsqlTransaction Npgsql(IDbContextTransaction transaction) =>
        transaction.GetDbTransaction() as NpgsqlTransaction
        ?? throw new InvalidOperationException("The context's transaction is not an NpgsqlTransaction: configure the context with `options.UseNpgsql(...)`.");

    public static bool HasOutboxInterceptor(DbContext context) =>
        context.GetService<IDbContextOptions>()
            .FindExtension<CoreOptionsExtension>()?.Interceptors?
            .Any(static i => i is OutboxSaveChangesInterceptor) == true;
}
