using System.Runtime.CompilerServices;

// The test projects that drive internal parts directly (statement plans, the engine's state, probes, routers).
[assembly: InternalsVisibleTo("OutboxSdk.Relay.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Replication.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Hardening.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Operations.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.ChangeFeed.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Observability.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Runtime.Tests")]

// The `outbox` tool is part of the product: it runs the migrator, the role scripts and dead-letter replay directly.
[assembly: InternalsVisibleTo("outbox")]
