namespace OutboxSdk;

/// <summary>Messages the relay gave up on: list them, send them again, or throw them away.</summary>
public interface IDeadLetters
{
    /// <summary>Dead letters in id order, <paramref name="limit"/> at a time, starting after <paramref name="afterId"/> (keyset paging).</summary>
    Task<IReadOnlyList<DeadLetter>> ListAsync(long afterId = 0, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the dead letter back into the outbox as a new message (same message id, subject, key, payload and
    /// headers), notifies the relay and deletes the dead letter, in one transaction. False when no such dead letter.
    /// </summary>
    /// <exception cref="InvalidOperationException">The dead letter has no payload to send.</exception>
    Task<bool> ReplayAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes the dead letter. False when no such dead letter.</summary>
    Task<bool> DiscardAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>The dead letters <paramref name="filter"/> matches, in id order, <paramref name="limit"/> at a time after <paramref name="afterId"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> ListMatchingAsync(DeadLetterFilter filter, long afterId = 0, int limit = 50, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replays every dead letter <paramref name="filter"/> matches, as <see cref="ReplayAsync(long, CancellationToken)"/>
    /// does one, in one transaction and in dead-letter id order, so messages of one key go back in the order they failed.
    /// Dead letters with nothing to send (no payload) stay. Returns how many were replayed.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="filter"/> has no criteria (use <see cref="DeadLetterFilter.All"/>).</exception>
    Task<int> ReplayMatchingAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Deletes every dead letter <paramref name="filter"/> matches, in one transaction. Returns how many.</summary>
    /// <exception cref="ArgumentException"><paramref name="filter"/> has no criteria (use <see cref="DeadLetterFilter.All"/>).</exception>
    Task<int> DiscardMatchingAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default);
}
