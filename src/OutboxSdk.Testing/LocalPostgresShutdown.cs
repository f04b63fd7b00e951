namespace OutboxSdk.Testing;

/// <summary>How <see cref="LocalPostgres.StopServerAsync"/> shuts the server down (<c>pg_ctl stop -m</c>).</summary>
public enum LocalPostgresShutdown
{
    /// <summary>Waits for clients to disconnect.</summary>
    Smart,

    /// <summary>Ends client sessions (rolling back their transactions) and shuts down cleanly with a checkpoint.</summary>
    Fast,

    /// <summary>Kills the server processes without a checkpoint, as a crash would; the next start runs crash recovery.</summary>
    Immediate,
}
