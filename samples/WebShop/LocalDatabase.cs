using OutboxSdk.Testing;

namespace WebShop;

/// <summary>Starts a throwaway PostgreSQL when no <c>Outbox:ConnectionString</c> is configured, and points the configuration at it.</summary>
internal static class LocalDatabase
{
    public static async Task<LocalPostgres?> StartIfNotConfiguredAsync(ConfigurationManager configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration["Outbox:ConnectionString"]))
        {
            return null;
        }

        Console.WriteLine("No Outbox:ConnectionString configured: starting a throwaway local PostgreSQL...");
        var local = await LocalPostgres.StartAsync();
        configuration["Outbox:ConnectionString"] = local.ConnectionString;
        return local;
    }
}
