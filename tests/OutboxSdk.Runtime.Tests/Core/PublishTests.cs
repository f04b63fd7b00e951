using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OutboxSdk.Avro.Framing;
using OutboxSdk.Avro.Serialization;
using OutboxSdk.Hosting;
using OutboxSdk.Outbox;
using OutboxSdk.Registration;
using OutboxSdk.Runtime.Tests.Infrastructure;
using OutboxSdk;

namespace OutboxSdk.Runtime.Tests.Core;

[Collection(PostgresCollection.Name)]
public sealed class PublishTests(PostgresFixture db) : IAsyncLifetime
{
    private static readonly TimeSpan NoNotification = TimeSpan.FromMilliseconds(300);
    private readonly NpgsqlDataSource _dataSource = db.CreateDataSource();
    private readonly string _schema = PostgresFixture.NewSchemaName();
    private IHost _host = null!;
    private IOutbox _outbox = null!;

    private string Channel => "outbox_" + _schema;

    public async Task InitializeAsync()
    {
        _host = await CoreHost.StartAsync(_dataSource, _schema);
        _outbox = _host.Services.GetRequiredService<IOutbox>();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task A_committed_message_is_one_row_with_its_columns_and_wakes_a_listener()
    {
        await using var listener = await ListenAsync();
        var message = new CoreOrderPlaced(Guid.NewGuid(), "customer-7", 3);
        using var activity = new Activity("place-order").SetIdFormat(ActivityIdFormat.W3C).Start();

        await using (var connection = await _dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await _outbox.PublishAsync(message, transaction);
            await transaction.CommitAsync();
        }

        var notification = await NextNotification(listener, TimeSpan.FromSeconds(10));
        Assert.Equal(Channel, notification?.Channel);
        var row = Assert.Single(await RowsAsync());
        Assert.Equal($"{row.Id}:customer-7", notification?.Payload); // the relay's fast path: the row and its key
        Assert.Equal("core.order-placed", row.Subject);
        Assert.Equal("customer-7", row.PartitionKey);
        Assert.Equal(AvroSerializer.FingerprintOf<CoreOrderPlaced>(), row.Fingerprint);
        Assert.Equal(7, row.MessageId.Version);
        Assert.Equal(message, AvroSerializer.DeserializeSingleObject<CoreOrderPlaced>(row.Payload));
        Assert.Equal(AvroSerializer.FingerprintOf<CoreOrderPlaced>(), SingleObjectEncoding.ReadHeader(row.Payload, out _));
        using var headers = JsonDocument.Parse(row.Headers);
        Assert.Equal(row.MessageId.ToString(), headers.RootElement.GetProperty(OutboxHeaders.MessageId).GetString());
        Assert.Equal(activity.Id, headers.RootElement.GetProperty(OutboxHeaders.TraceParent).GetString());
    }

    [Fact]
    public async Task A_rolled_back_message_leaves_no_row_and_no_notification()
    {
        await using var listener = await ListenAsync();

        await using (var connection = await _dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await _outbox.PublishAsync(new CoreAudit("never"), transaction);
            await transaction.RollbackAsync();
        }

        Assert.Null(await NextNotification(listener, NoNotification));
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task Each_message_of_a_transaction_notifies_once_on_commit_naming_its_row()
    {
        await using var listener = await ListenAsync();

        await using (var connection = await _dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            for (var i = 0; i < 5; i++)
            {
                await _outbox.PublishAsync(new CoreAudit("audit " + i), transaction);
            }

            await transaction.CommitAsync();
        }

        // The enqueue trigger notifies per row (id, no key); the writer adds no empty wake-up of its own.
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (payloads.Count < 5 && DateTime.UtcNow < deadline)
        {
            await listener.WaitAsync(TimeSpan.FromSeconds(1));
        }

        await listener.WaitAsync(NoNotification);
        var rows = await RowsAsync();
        Assert.Equal(rows.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), payloads);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, row => Assert.Null(row.PartitionKey));
    }

    [Fact]
    public async Task A_batch_of_1000_is_copied_in_order_and_notifies()
    {
        await using var listener = await ListenAsync();
        var messages = Enumerable.Range(0, 1000).Select(i => new CoreOrderPlaced(Guid.NewGuid(), "c" + (i % 10), i)).ToList();

        await using (var connection = await _dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await _outbox.PublishBatchAsync(messages, transaction);
            await transaction.CommitAsync();
        }

        Assert.NotNull(await NextNotification(listener, TimeSpan.FromSeconds(10)));
        var rows = await RowsAsync();
        Assert.Equal(messages, rows.Select(r => AvroSerializer.DeserializeSingleObject<CoreOrderPlaced>(r.Payload)));
        Assert.Equal(messages.Select(m => m.CustomerId), rows.Select(r => r.PartitionKey));
        Assert.Equal(1000, rows.Select(r => r.MessageId).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(r.MessageId.ToString(), JsonDocument.Parse(r.Headers).RootElement.GetProperty(OutboxHeaders.MessageId).GetString()));
    }

    [Fact]
    public async Task A_rolled_back_batch_leaves_no_rows()
    {
        await using (var connection = await _dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await _outbox.PublishBatchAsync([new CoreAudit("a"), new CoreAudit("b")], transaction);
            await transaction.RollbackAsync();
        }

        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task An_unregistered_message_type_names_the_generated_registration_to_call()
    {
        var outbox = new NpgsqlOutbox(new OutboxTypeRegistry([]), Options.Create(new OutboxOptions { Schema = _schema }));
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.PublishAsync(new CoreAudit("x"), transaction));

        Assert.Contains(typeof(CoreAudit).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains("AddOutboxSdkRuntimeTestsOutboxTypes()", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publishing_in_a_finished_transaction_is_an_argument_error()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await transaction.CommitAsync();

        var single = await Assert.ThrowsAsync<ArgumentException>(() => _outbox.PublishAsync(new CoreAudit("late"), transaction));
        var batch = await Assert.ThrowsAsync<ArgumentException>(() => _outbox.PublishBatchAsync([new CoreAudit("late")], transaction));

        Assert.Equal("transaction", single.ParamName);
        Assert.Equal("transaction", batch.ParamName);
        Assert.Empty(await RowsAsync()); // in particular, the COPY did not run in autocommit
    }

    private async Task<NpgsqlConnection> ListenAsync()
    {
        var connection = await _dataSource.OpenConnectionAsync();
        await using var listen = new NpgsqlCommand($"LISTEN \"{Channel}\"", connection);
        await listen.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<NpgsqlNotificationEventArgs?> NextNotification(NpgsqlConnection listener, TimeSpan timeout)
    {
        NpgsqlNotificationEventArgs? received = null;
        void OnNotification(object sender, NpgsqlNotificationEventArgs e) => received ??= e;
        listener.Notification += OnNotification;
        try
        {
            await listener.WaitAsync(timeout);
            return received;
        }
        finally
        {
            listener.Notification -= OnNotification;
        }
    }

    private async Task<List<Row>> RowsAsync()
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT message_id, subject, partition_key, schema_fingerprint, payload, headers::text, id FROM \"{_schema}\".messages ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3),
                (byte[])reader[4], reader.GetString(5), reader.GetInt64(6)));
        }

        return rows;
    }

    private sealed record Row(Guid MessageId, string Subject, string? PartitionKey, long Fingerprint, byte[] Payload, string Headers, long Id);
}
