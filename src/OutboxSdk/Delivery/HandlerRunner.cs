namespace OutboxSdk.Delivery;

/// <summary>What running one message's handlers came to.</summary>
/// <param name="Inbox">Handlers that succeeded and used the context: each earns an inbox row.</param>
/// <param name="FailedHandler">The handler that threw or timed out, if any.</param>
/// <param name="Failure">Its exception; null when the message completed.</param>
/// <param name="DeadLetterReason">Set when the payload cannot be decoded: no handler ran, and retrying would not help.</param>
internal readonly record struct HandlerResult(IReadOnlyList<string> Inbox, string? FailedHandler, Exception? Failure, string? DeadLetterReason);

/// <summary>
/// Runs one message's or change's handlers inside a delivery's transaction, for every source: decodes it (a change
/// comes decoded), opens the consumer span, and calls each handler the inbox does not list, in a new DI scope whose
/// <see cref="IOutboxContext"/> is that transaction. It decides nothing about failures (<see cref="FailurePolicy"/>
/// does) and counts what it alone sees: handler starts, failed attempts, deliveries.
/// </summary>
internal sealed class HandlerRunner(
    IServiceScopeFactory scopes,
    IMessageDecoder decoder,
    HandlerInvoker invoker,
    OutboxOptions options,
    TimeProvider time,
    ILogger logger)
{
    private static readonly HandlerResult Completed = new([], null, null, null);

    /// <param name="envelope">The message or change.</param>
    /// <param name="attempt">This attempt's number, from 1.</param>
    /// <param name="processed">Handlers that already ran for it (the inbox): skipped.</param>
    /// <param name="connection">The delivery's connection.</param>
    /// <param name="transaction">The delivery's transaction, which the handlers share through the context.</param>
    /// <param name="stopping">The host's stopping token.</param>
    public async Task<HandlerResult> RunAsync(Envelope envelope, int attempt, IEnumerable<string> processed, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken stopping)
    {
        object decoded;
        if (envelope.Notification is { } notification)
        {
            decoded = notification;
        }
        else
        {
            try
            {
                decoded = await decoder.DecodeAsync(envelope.Subject, envelope.Fingerprint, envelope.Payload, stopping).ConfigureAwait(false);
            }
            catch (MessageDecodeException e)
            {
                return new([], null, null, e.Message); // logged and counted where it is dead-lettered, once
            }
            catch (UnreadableSchemaException e)
            {
                return new([], null, e, null); // another version can read it: FailurePolicy makes it wait
            }
        }

        // The consumer span continues the publisher's trace from the traceparent stored with the message.
        using var span = OutboxTelemetry.Instrumentation.StartDeliver(envelope.Subject, envelope.MessageId, envelope.TraceParent);
        if (attempt == 1)
        {
            OutboxTelemetry.Instrumentation.HandlerStarted(envelope.Subject, new DateTimeOffset(DateTime.SpecifyKind(envelope.CreatedAt, DateTimeKind.Utc)), time.GetUtcNow());
        }

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<OutboxContext>();
            context.Begin(envelope, attempt, connection, transaction);
            List<string>? used = null;
            foreach (var handler in invoker.Resolve(scope.ServiceProvider, decoded))
            {
                if (processed.Contains(handler.Name, StringComparer.Ordinal))
                {
                    DeliveryLog.DuplicateSkipped(logger, handler.Name, envelope.MessageId);
                    continue;
                }

                try
                {
                    await InvokeAsync(handler, stopping).ConfigureAwait(false);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    OutboxInstrumentation.RecordException(span, e);
                    OutboxTelemetry.Instrumentation.Failed(envelope.Subject);
                    return new([], handler.Name, e, null);
                }

                if (context.TakeUsed())
                {
                    (used ??= []).Add(handler.Name);
                }
            }

            OutboxTelemetry.Instrumentation.Delivered(envelope.Subject);
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
