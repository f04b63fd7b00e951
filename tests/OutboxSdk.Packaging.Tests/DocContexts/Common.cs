// Compiled beside each code block of a docs/*.md guide page that has no context of its own (DocSnippetTests): what
// the page's prose has already introduced — the application's message type and DbContext, and the variables a
// fragment uses — so a fragment compiles as written. Its usings are its own: a block still needs every using it uses.
global using static Docs.Context.Introduced;
global using Docs.Context;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk;

namespace Docs.Context;

/// <summary>The variables the guides' fragments use. Never run: the blocks are compiled only.</summary>
#pragma warning disable IDE1006 // named as the fragments' locals are
public static class Introduced
{
    public static HostApplicationBuilder builder => throw new NotSupportedException();

    public static IServiceCollection services => throw new NotSupportedException();

    public static NpgsqlDataSource dataSource => throw new NotSupportedException();

    public static IOutbox outbox => throw new NotSupportedException();

    public static IDeadLetters deadLetters => throw new NotSupportedException();

    public static ShopDb db => throw new NotSupportedException();

    public static Order order => throw new NotSupportedException();

    public static Guid orderId => throw new NotSupportedException();

    public static string customerId => throw new NotSupportedException();

    public static ITokenSource tokens => throw new NotSupportedException();

    public static IAuditSink sink => throw new NotSupportedException();
}

[OutboxMessage("shop.order-placed")]
public partial record OrderPlaced(Guid OrderId, [property: PartitionKey] string CustomerId);

[ChangeFeed("fraud.card_transactions")]
public partial record CardTransaction([property: Key] long Id, string Account, string City);

public sealed class Order
{
    public Guid Id { get; set; }

    public string CustomerId { get; set; } = "";
}

public sealed class CustomerStats
{
    public string Id { get; set; } = "";

    public int Orders { get; set; }
}

public sealed class ShopDb(DbContextOptions<ShopDb> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<CustomerStats> CustomerStats => Set<CustomerStats>();
}

/// <summary>A cloud provider's token source (Azure.Identity, AWS RDS IAM …).</summary>
public interface ITokenSource
{
    ValueTask<string> GetDatabaseTokenAsync(string user, CancellationToken cancellationToken);
}

/// <summary>Where an audit trail goes.</summary>
public interface IAuditSink
{
    Task WriteAsync(byte[] envelope, CancellationToken cancellationToken);
}
