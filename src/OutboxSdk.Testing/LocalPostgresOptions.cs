namespace OutboxSdk.Testing;

/// <summary>How <see cref="LocalPostgres.StartAsync"/> finds and starts the server.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// The folder holding initdb, pg_ctl and postgres. When null: the OUTBOX_PG_BINDIR environment variable,
    /// then <c>pg_config --bindir</c>, then the newest <c>/usr/lib/postgresql/*/bin</c>, then PATH.
    /// </summary>
    public string? BinDirectory { get; set; }

    /// <summary>How long <c>pg_ctl start</c> may wait for the server to accept connections.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Extra postgresql.conf settings, applied after the defaults (which are wal_level=logical, 20 replication
    /// slots and WAL senders, fsync=off, synchronous_commit=off and full_page_writes=off).
    /// </summary>
    public IDictionary<string, string> Settings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Where the temporary folder is made; defaults to the system temp folder (/tmp when running as root). As root the
    /// server runs as the <c>postgres</c> user, so every folder above this one must let other users through (no 0700
    /// parent, nothing under /root); <see cref="LocalPostgres.StartAsync"/> checks and says which folder blocks.
    /// </summary>
    public string? TempRoot { get; set; }
}
