using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OutboxSdk.Hosting;
using OutboxSdk.Observability;

namespace OutboxSdk.Relay;

/// <summary>What running one message's handlers came to.</summary>
/// <param name="Inbox">Handlers that succeeded and used the context: each earns an inbox row.</param>
/// <param name="FailedHandler">The handler that threw or timed out, if any.</param>
/// <param name="Failure">Its exception; null when the message completed.</param>
/// <param name="DeadLetterReason">Set when the payload cannot be decoded: dead-lettered at once, no handler ran.</param>
internal readonly record struct HandlerResult(IReadOnlyList<string> Inbox, string? FailedHandler, Exception? Failure, string? DeadLetterReason);

/// <summary>
/// Runs one message's handlers inside a delivery's transaction: decodes it, opens the consumer span, and calls each
/// handler the inbox does not list, in a new DI scope whose <see cref="IOutboxContext"/> is that transaction.
/// </summary>
internal sealed class MessageHandlers(
    IServiceScopeFactory scopes,
    IMessageDecoder decoder,
    HandlerInvoker invoker,
    OutboxOptions options,
    TimeProvider time,
    ILogger logger)
{
    private static readonly HandlerResult Completed = new([], null, null, null);

    public async Task<HandlerResult> RunAsync(ClaimedMessage message, ILookup<Guid, string> inbox, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken stopping)
    {
        if (!message.Exists)
        {
            RelayLog.MessageMissing(logger, message.Id);
            return Completed;
        }

        object decoded;
        try
        {
            decoded = await decoder.DecodeAsync(message.Subject, message.Fingerprint, message.Payload, stopping).ConfigureAwait(false);
        }
        catch (MessageDecodeException e)
        {
            RelayLog.DeadLettered(logger, message.MessageId, message.Subject, 1, e.Message);
            OutboxTelemetry.Instrumentation.DeadLettered(message.Subject);
            return new([], null, null, e.Message);
        }

        var attempt = message.FailedAttempts + 1;

        // The consumer span continues the publisher's trace from the traceparent stored with the message.
        using var span = OutboxTelemetry.Instrumentation.StartDeliver(message.Subject, message.MessageId, message.TraceParent);
        if (attempt == 1)
        {
            OutboxTelemetry.Instrumentation.HandlerStarted(message.Subject, new DateTimeOffset(DateTime.SpecifyKind(message.CreatedAt, DateTimeKind.Utc)), time.GetUtcNow());
        }

        var processed = inbox[message.MessageId];
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<OutboxContext>();
            context.Begin(message, attempt, connection, transaction);
            List<string>? used = null;
            foreach (var handler in invoker.Resolve(scope.ServiceProvider, decoded))
            {
                if (processed.Contains(handler.Name, StringComparer.Ordinal))
                {
                    RelayLog.DuplicateSkipped(logger, handler.Name, message.MessageId);
                    continue;
                }

                try
                {
                    await InvokeAsync(handler, stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    OutboxInstrumentation.RecordException(span, e);
                    OutboxTelemetry.Instrumentation.Failed(message.Subject);
                    return new([], handler.Name, e, null);
                }

                if (context.TakeUsed())
                {
                    (used ??= []).Add(handler.Name);
                }
            }

            OutboxTelemetry.Instrumentation.Delivered(message.Subject);
            return used is null ? Completed : new(used, null, null, null);
        }
    }

    private async Task InvokeAsync(HandlerInvoker.Handler handler, CancellationToken stopping)
    {
        var limit = options.Retry.HandlerTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(limit);
        var running = handler.Handle(timeout.Token);
        if (running.IsCompletedSuccessfully)
        {
            return; // the common case: no continuation, no second wait
        }

        try
        {
            // Waiting on the timeout's own token (one timer per call) also ends the attempt when a handler ignores it.
            await running.WaitAsync(timeout.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            if (running.IsCompleted)
            {
                throw new TimeoutException($"the handler did not finish within {limit}", e);
            }

            // Still running: it may be in a command on the delivery's connection, which nothing else may use until it
            // ends. Npgsql cancels a command whose token is cancelled within its CancellationTimeout (2 s by default),
            // breaking the connection if the server does not answer; wait that long, and a margin, before giving up.
        }

        await timeout.CancelAsync().ConfigureAwait(false);
        try
        {
            await running.WaitAsync(AbandonGrace, time, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!running.IsCompleted)
        {
            throw new HandlerAbandonedException(handler.Name, limit, running);
        }
        catch (Exception) when (running.IsCompleted && !stopping.IsCancellationRequested)
        {
            // It ended (cancelled or failed) and let go of the connection: an ordinary timeout.
        }

        throw new TimeoutException($"the handler did not finish within {limit}");
    }

    /// <summary>How long a timed-out handler gets to stop after its token is cancelled before its connection is given up.</summary>
    internal static readonly TimeSpan AbandonGrace = TimeSpan.FromSeconds(5);
}
