using OutboxSdk.Internal;

namespace OutboxSdk.Delivery;

/// <summary>
/// Fails the relay fast when its connections go through a transaction-mode pooler (PgBouncer's <c>pool_mode =
/// transaction</c>, and the poolers of managed offerings): there a client connection gets a server session per
/// transaction, so the relay's session state — its leader lock, LISTEN, prepared statements — would land on sessions
/// it no longer has, and two relays could lead at once. The probe asks two client connections for their server
/// session while one of them holds a transaction and after it lets go: a direct or session-pooled connection keeps
/// one session per client, a transaction pooler hands sessions around (PgBouncer reuses the most recently released
/// one first). Run once per process, before the first session; a few round trips.
/// </summary>
internal sealed class TransactionPoolerProbe(NpgsqlDataSource dataSource)
{
    private Task? _probe;

    public Task EnsureSessionPoolingAsync(CancellationToken cancellationToken)
    {
        var probe = _probe;
        if (probe is null || probe.IsCanceled || (probe.IsFaulted && probe.Exception?.InnerException is not RelayConfigurationException))
        {
            _probe = probe = ProbeAsync(cancellationToken);
        }

        return probe;
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var first = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (first.ConfigureAwait(false))
        {
            var second = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (second.ConfigureAwait(false))
            {
                // A client's server session never changes when sessions are not pooled per transaction, and two clients
                // never share one; behind a transaction pooler the first client is served by whichever session is free
                // (the one just released, first), so a few rounds of "the second holds a transaction, the first asks,
                // the second lets go, the first asks" show it, even with other clients of the pool busy meanwhile.
                var firstSessions = new HashSet<int> { await BackendAsync(first, cancellationToken).ConfigureAwait(false) };
                var secondSessions = new HashSet<int>();
                for (var round = 0; round < 3; round++)
                {
                    var transaction = await second.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        secondSessions.Add(await BackendAsync(second, cancellationToken).ConfigureAwait(false));
                        try
                        {
                            // With its own session the first client never waits for the second; behind a transaction
                            // pooler with no free session it waits for the second's transaction, which waits for it.
                            using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                            answer.CancelAfter(TimeSpan.FromSeconds(10));
                            firstSessions.Add(await BackendAsync(first, answer.Token).ConfigureAwait(false));
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            throw Pooled("one client connection waited 10 s for a server session while another held a transaction: the pool hands sessions out per transaction");
                        }
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }

                    firstSessions.Add(await BackendAsync(first, cancellationToken).ConfigureAwait(false));
                    if (firstSessions.Count > 1 || firstSessions.Overlaps(secondSessions))
                    {
                        throw Pooled($"one client connection was served by the server sessions {string.Join(", ", firstSessions.Order())} in turn (and another by {string.Join(", ", secondSessions.Order())})");
                    }
                }
            }
        }
    }

    private static RelayConfigurationException Pooled(string evidence) => new(
        $"The relay's connections go through a transaction-mode pooler: {evidence}. The relay keeps session state (its leader lock, LISTEN, prepared statements), which such a pooler "
        + "hands to other clients. Set OutboxOptions.RelayConnectionString (configuration: Outbox:RelayConnectionString) to a direct connection to PostgreSQL or to a session-mode pool; "
        + "publishing can stay on the pooler (docs/operations.md, \"PgBouncer\").");

    private static async Task<int> BackendAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        await using (command.ConfigureAwait(false))
        {
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}

/// <summary>The relay cannot run as configured; the message says what to change. The relay stops (it would fail the same way again).</summary>
internal sealed class RelayConfigurationException(string message) : InvalidOperationException(message);
