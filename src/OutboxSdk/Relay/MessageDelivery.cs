using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;

namespace OutboxSdk.Relay;

/// <summary>
/// Delivers one message in its own transaction: lock its queue row, run each handler not yet in the inbox in a new
/// DI scope, then commit the handlers' writes, their inbox rows and the dequeue together. On failure the
/// transaction rolls back and a retry, or the dead letter, is recorded instead.
/// </summary>
internal sealed class MessageDelivery(
    RelaySql sql,
    NpgsqlDataSource dataSource,
    IServiceScopeFactory scopes,
    IMessageDecoder decoder,
    HandlerInvoker invoker,
    OutboxOptions options,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Raised with the delay of each scheduled retry, so the relay wakes up when it is due.</summary>
    public event Action<TimeSpan>? RetryScheduled;

    public async Task<DeliveryOutcome> DeliverAsync(ClaimedMessage message, CancellationToken stopping)
    {
        if (!message.Exists)
        {
            RelayLog.MessageMissing(logger, message.Id);
            await ExecuteAsync(sql.Complete, stopping, message.Id).ConfigureAwait(false);
            return DeliveryOutcome.Completed;
        }

        object decoded;
        try
        {
            decoded = await decoder.DecodeAsync(message.Subject, message.Fingerprint, message.Payload, stopping).ConfigureAwait(false);
        }
        catch (MessageDecodeException e)
        {
            await DeadLetterAsync(message, 1, null, e.Message, stopping).ConfigureAwait(false);
            return DeliveryOutcome.Completed;
        }

        var attempt = message.FailedAttempts + 1;

        // The consumer span continues the publisher's trace from the traceparent stored with the message.
        using var span = OutboxTelemetry.Instrumentation.StartDeliver(message.Subject, message.MessageId, TraceParentOf(message.Headers));
        if (attempt == 1)
        {
            OutboxTelemetry.Instrumentation.HandlerStarted(message.Subject, new DateTimeOffset(DateTime.SpecifyKind(message.CreatedAt, DateTimeKind.Utc)), time.GetUtcNow());
        }

        string? failedHandler = null;
        Exception? failure = null;
        var connection = await dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(stopping).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var processed = await LockAsync(connection, transaction, message, stopping).ConfigureAwait(false);
                if (processed is null)
                {
                    return DeliveryOutcome.Busy;
                }

                var scope = scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var context = scope.ServiceProvider.GetRequiredService<OutboxContext>();
                    context.Begin(message, attempt, connection, transaction);
                    var used = new List<string>();
                    foreach (var handler in invoker.Resolve(scope.ServiceProvider, decoded))
                    {
                        if (processed.Contains(handler.Name))
                        {
                            RelayLog.DuplicateSkipped(logger, handler.Name, message.MessageId);
                            continue;
                        }

                        try
                        {
                            await RunAsync(handler, stopping).ConfigureAwait(false);
                        }
                        catch (Exception e) when (!stopping.IsCancellationRequested)
                        {
                            (failedHandler, failure) = (handler.Name, e);
                            break;
                        }

                        if (context.TakeUsed())
                        {
                            used.Add(handler.Name);
                        }
                    }

                    if (failure is null)
                    {
                        // Work the handlers finished is committed even when the host is stopping: cancelling here
                        // would only turn a delivered message into a duplicate.
                        await CompleteAsync(connection, transaction, message, used, CancellationToken.None).ConfigureAwait(false);
                        OutboxTelemetry.Instrumentation.Delivered(message.Subject);
                        return DeliveryOutcome.Completed;
                    }
                }
            }
        }

        // The transaction was rolled back with the connection: the handlers' writes and the row lock are gone.
        OutboxInstrumentation.RecordException(span, failure);
        OutboxTelemetry.Instrumentation.Failed(message.Subject);
        if (attempt >= options.Retry.MaxAttempts)
        {
            await DeadLetterAsync(message, attempt, failedHandler, failure.ToString(), stopping).ConfigureAwait(false);
            return DeliveryOutcome.Completed;
        }

        var delay = RetryPolicy.DelayAfter(attempt, options.Retry);
        RelayLog.HandlerFailed(logger, message.MessageId, message.Subject, attempt, options.Retry.MaxAttempts, delay, failure);
        await ExecuteAsync(sql.ScheduleRetry, stopping, message.Id, attempt, delay, Truncate(failure.ToString())).ConfigureAwait(false);
        RetryScheduled?.Invoke(delay);
        return DeliveryOutcome.RetryScheduled;
    }

    private static string? TraceParentOf(string headers)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(headers);
            return json.RootElement.TryGetProperty(OutboxTelemetry.TraceParentHeader, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // a message's headers never stop its delivery
        }
    }

    private async Task RunAsync(HandlerInvoker.Handler handler, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(options.Retry.HandlerTimeout);
        try
        {
            // WaitAsync also ends the attempt when a handler ignores its token.
            await handler.Handle(timeout.Token).WaitAsync(options.Retry.HandlerTimeout, time, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"the handler did not finish within {options.Retry.HandlerTimeout}", e);
        }
    }

    private async Task<HashSet<string>?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage message, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql.Lock, connection, transaction) { Parameters = { new() { Value = message.Id }, new() { Value = message.MessageId } } };
        await using (command.ConfigureAwait(false))
        {
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return result is string[] handlers ? new HashSet<string>(handlers, StringComparer.Ordinal) : null;
        }
    }

    private async Task CompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ClaimedMessage message, List<string> inbox, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            foreach (var handler in inbox)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.InsertInbox) { Parameters = { new() { Value = handler }, new() { Value = message.MessageId } } });
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql.Complete) { Parameters = { new() { Value = message.Id } } });
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(ClaimedMessage message, int attempts, string? handler, string error, CancellationToken cancellationToken)
    {
        RelayLog.DeadLettered(logger, message.MessageId, message.Subject, attempts, FirstLine(error));
        OutboxTelemetry.Instrumentation.DeadLettered(message.Subject);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One batch runs as one implicit transaction: the dead letter exists if and only if the row left the queue.
            var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(sql.DeadLetter)
                    {
                        Parameters =
                        {
                            new() { Value = message.Id }, new() { Value = message.CreatedAt },
                            new() { Value = (object?)handler ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                            new() { Value = attempts }, new() { Value = Truncate(error) },
                        },
                    },
                    new NpgsqlBatchCommand(sql.Complete) { Parameters = { new() { Value = message.Id } } },
                },
            };
            await using (batch.ConfigureAwait(false))
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ExecuteAsync(string text, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = dataSource.CreateCommand(text);
        await using (command.ConfigureAwait(false))
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Truncate(string text) => text.Length <= 8000 ? text : text[..8000];

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? text : text[..end].TrimEnd('\r');
    }
}
