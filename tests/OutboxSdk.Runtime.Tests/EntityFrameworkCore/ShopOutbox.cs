using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;
using OutboxSdk;
using OutboxSdk.Registration;

namespace EntityFrameworkCore.Tests;

/// <summary>
/// One test's shop: its own schema (the outbox's tables and <see cref="ShopDb"/>'s, first on the search_path), a relay
/// host whose DI has <c>AddDbContext&lt;ShopDb&gt;</c> and <c>AddOutboxEntityFrameworkCore&lt;ShopDb&gt;</c> as an
/// application's would, and contexts for the test's own units of work. Disposing stops the host and drops the schema.
/// </summary>
public sealed class ShopOutbox : IAsyncDisposable
{
    private readonly SchemaScope _scope;

    private ShopOutbox(SchemaScope scope, IHost host, ShopRecorder recorder)
    {
        _scope = scope;
        Host = host;
        Recorder = recorder;
    }

    public IHost Host { get; }

    public ShopRecorder Recorder { get; }

    public NpgsqlDataSource DataSource => _scope.DataSource;

    public IOutbox Outbox => Host.Services.GetRequiredService<IOutbox>();

    public static async Task<ShopOutbox> StartAsync(PostgresFixture fixture, AreaRegistration area, Action<OutboxOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var scope = await fixture.NewSchemaAsync();
        try
        {
            await using (var db = NewDb(scope.DataSource))
            {
                await db.Database.ExecuteSqlRawAsync(db.Database.GenerateCreateScript());
            }

            var recorder = new ShopRecorder();
            var host = await TestHost.StartAsync(
                o =>
                {
                    o.DataSource = scope.DataSource;
                    o.Schema = scope.Schema;
                    TestHost.Fast(o);
                    configure?.Invoke(o);
                },
                services => services.AddOutboxTypes(area),
                s =>
                {
                    s.AddSingleton(recorder);
                    s.AddDbContext<ShopDb>(o => o.UseNpgsql(scope.DataSource));
                    s.AddOutboxEntityFrameworkCore<ShopDb>();
                    services?.Invoke(s);
                });
            return new ShopOutbox(scope, host, recorder);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    /// <summary>A context of the test's own, with the outbox's interceptor unless <paramref name="outbox"/> is false.</summary>
    public ShopDb NewDb(Action<NpgsqlDbContextOptionsBuilder>? npgsql = null, bool outbox = true) => NewDb(DataSource, npgsql, outbox);

    private static ShopDb NewDb(NpgsqlDataSource dataSource, Action<NpgsqlDbContextOptionsBuilder>? npgsql = null, bool outbox = true)
    {
        var options = new DbContextOptionsBuilder<ShopDb>().UseNpgsql(dataSource, npgsql);
        return new ShopDb((outbox ? options.UseOutbox() : options).Options);
    }

    /// <summary>Rows of <paramref name="subject"/> in the outbox: each a message that committed.</summary>
    public Task<long> MessagesAsync(string subject = "efcore.order-placed") => ScalarAsync<long>($"SELECT count(*) FROM messages WHERE subject = '{subject}'");

    public Task<long> OrdersAsync() => ScalarAsync<long>("SELECT count(*) FROM orders");

    public Task<long> ShipmentsAsync(Guid orderId) => ScalarAsync<long>($"SELECT count(*) FROM shipments WHERE order_id = '{orderId}'");

    /// <summary>The first INSERT of an order of <paramref name="customer"/> fails with a serialization failure (40001), a transient error.</summary>
    public Task FailFirstInsertAsync(string customer) => ExecuteAsync($"""
        CREATE SEQUENCE fail_once;
        CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.customer = '{customer}' AND nextval('fail_once') = 1 THEN
            RAISE EXCEPTION 'injected transient failure' USING ERRCODE = '40001';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER fail_once BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fail_once();
        """);

    public Task ExecuteAsync(string sql) => _scope.ExecuteAsync(sql);

    public Task<T> ScalarAsync<T>(string sql) => _scope.ScalarAsync<T>(sql);

    public async ValueTask DisposeAsync()
    {
        await TestHost.StopAsync(Host);
        await _scope.DisposeAsync();
    }
}
