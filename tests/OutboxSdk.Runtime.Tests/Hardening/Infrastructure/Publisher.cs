using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Outbox;
using OutboxSdk;

namespace Hardening.Tests.Infrastructure;

internal static class Publisher
{
    /// <summary>Publishes <paramref name="messages"/> through the host's IOutbox in one committed transaction of <paramref name="dataSource"/>.</summary>
    public static async Task PublishAsync<T>(IHost host, NpgsqlDataSource dataSource, params T[] messages) where T : IAvroSerializable<T>
    {
        var outbox = host.Services.GetRequiredService<IOutbox>();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var message in messages)
        {
            await outbox.PublishAsync(message, transaction);
        }

        await transaction.CommitAsync();
    }
}
