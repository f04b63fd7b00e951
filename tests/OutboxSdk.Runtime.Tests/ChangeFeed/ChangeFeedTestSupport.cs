using ChangeFeedTests.Shop;
using OutboxSdk.Generated;
using OutboxSdk.Registration;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>The entities of this assembly as its generated registration lists them, and routers over some of them.</summary>
internal static class Feed
{
    public static ChangeFeedEntityType Entity<T>() =>
        AreaRegistrations.ChangeFeed.Entities.Single(e => e.ClrType == typeof(T));

    public static async Task<ChangeFeedRouter> RouterAsync(SchemaScope scope, ChangeFeedOptions? options, params ChangeFeedEntityType[] entities)
    {
        await using var connection = await scope.DataSource.OpenConnectionAsync();
        return await ChangeFeedRouter.CreateAsync(entities, connection, options, null, CancellationToken.None);
    }

    public static Task<ChangeFeedRouter> ItemsAsync(SchemaScope scope, ChangeFeedOptions? options = null) => RouterAsync(scope, options, Entity<Item>());

    public static Task<ChangeFeedRouter> CardsAsync(SchemaScope scope, ChangeFeedOptions? options = null) => RouterAsync(scope, options, Entity<Card>());

    /// <summary>About 32 kB of incompressible text: stored out of line (TOAST), so an UPDATE that leaves it alone does not resend it.</summary>
    public const string LargeText = "(SELECT string_agg(md5(g::text || random()::text), '') FROM generate_series(1, 1000) g)";
}
