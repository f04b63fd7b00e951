// The WebShop sample: an ASP.NET Core minimal API on the outbox.
//
//   POST /orders {"customerId":"c-1","total":42.50}   inserts the order and publishes OrderPlaced in one transaction
//   GET  /orders/{id}                                 the order, and when the handler confirmed it
//   GET  /health                                      the SDK's health checks (relay alive, backlog age, database)
//
// Configuration comes from appsettings.json (section "Outbox", bound by AddOutbox), environment variables
// (Outbox__ConnectionString=...) or the command line (--Outbox:ConnectionString "Host=..."). With no connection
// string a throwaway local PostgreSQL is started (OutboxSdk.Testing's LocalPostgres) and removed at exit.
// Traces and metrics of the SDK (ActivitySource and Meter "OutboxSdk") go to the console, or to an OTLP collector
// when Telemetry:OtlpEndpoint is set.
//
//   dotnet run --project samples/WebShop
//   dotnet run --project samples/WebShop -- --smoke      places a few orders against itself, exits 1 unless delivered
using Npgsql;
using OutboxSdk.Generated;
using OutboxSdk.Testing;
using WebShop;

var smoke = args.Contains(SmokeRun.Flag);
var builder = WebApplication.CreateBuilder(args.Where(a => a != SmokeRun.Flag).ToArray());

await using var local = await LocalDatabase.StartIfNotConfiguredAsync(builder.Configuration);
if (smoke)
{
    SmokeRun.Configure(builder);
}

// The app's own writes and the outbox share this one pool: AddOutbox uses an NpgsqlDataSource registered in DI.
var connectionString = builder.Configuration["Outbox:ConnectionString"]!;
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.AddOutbox(builder.Configuration.GetSection("Outbox"));
builder.Services.AddWebShopOutboxTypes();   // generated for this assembly: OrderPlaced and ConfirmOrder
builder.AddShopTelemetry();

var app = builder.Build();
await ShopDatabase.CreateTablesAsync(app.Services.GetRequiredService<NpgsqlDataSource>());
app.MapHealthChecks("/health");
app.MapOrders();

if (smoke)
{
    return await SmokeRun.RunAsync(app);
}

await app.RunAsync();
return 0;
