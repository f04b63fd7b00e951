using System.Runtime.CompilerServices;

// The runtime's tests drive internal parts directly (statement plans, the engine's state, probes, routers).
[assembly: InternalsVisibleTo("OutboxSdk.Runtime.Tests")]

// The `outbox` tool is part of the product: it runs the migrator, the role scripts and dead-letter replay directly.
[assembly: InternalsVisibleTo("outbox")]
