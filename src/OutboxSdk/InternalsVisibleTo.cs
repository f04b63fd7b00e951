using System.Runtime.CompilerServices;

// The test projects that drive internal parts directly (statement plans, the engine's state, probes, routers).
[assembly: InternalsVisibleTo("OutboxSdk.Relay.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Replication.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Hardening.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Operations.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.ChangeFeed.Tests")]
[assembly: InternalsVisibleTo("OutboxSdk.Observability.Tests")]
