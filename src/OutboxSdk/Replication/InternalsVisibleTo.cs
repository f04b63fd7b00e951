using System.Runtime.CompilerServices;

// The replication tests read the engine's state (buffer peak, acknowledged LSN) and drive its parts directly.
[assembly: InternalsVisibleTo("OutboxSdk.Replication.Tests")]

// The hardening tests check the names derived from odd schemas (ReplicationNames).
[assembly: InternalsVisibleTo("OutboxSdk.Hardening.Tests")]
