using System.Runtime.CompilerServices;

// The replication tests read the engine's state (buffer peak, acknowledged LSN) and drive its parts directly.
[assembly: InternalsVisibleTo("OutboxSdk.Replication.Tests")]
