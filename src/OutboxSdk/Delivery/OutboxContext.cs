namespace OutboxSdk.Delivery;

/// <summary>
/// The scoped <see cref="IOutboxContext"/>: the relay fills it before the handlers run and notes whether a
/// handler touched the connection or transaction, which is what earns that handler an inbox row.
/// </summary>
internal sealed class OutboxContext : IOutboxContext
{
    private Envelope? _message;
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private bool _used;

    public Guid MessageId => Current.MessageId;

    public string Subject => Current.Subject;

    public string? PartitionKey => Current.PartitionKey;

    public int Attempt { get; private set; }

    public NpgsqlConnection Connection
    {
        get
        {
            _ = Current;
            _used = true;
            return _connection!;
        }
    }

    public NpgsqlTransaction Transaction
    {
        get
        {
            _ = Current;
            _used = true;
            return _transaction!;
        }
    }

    private Envelope Current => _message
        ?? throw new InvalidOperationException("IOutboxContext is only available to handlers while the relay delivers a message or change.");

    internal void Begin(Envelope message, int attempt, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _message = message;
        Attempt = attempt;
        _connection = connection;
        _transaction = transaction;
        _used = false;
    }

    /// <summary>Whether the connection or transaction was taken since the last call.</summary>
    internal bool TakeUsed()
    {
        var used = _used;
        _used = false;
        return used;
    }
}
