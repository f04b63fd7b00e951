namespace OutboxSdk.Testing;

/// <summary>The local PostgreSQL could not be found, initialised or started; the message says why and what to do.</summary>
public sealed class LocalPostgresException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LocalPostgresException()
        : base("the local PostgreSQL failed")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LocalPostgresException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the inner exception.</summary>
    public LocalPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
