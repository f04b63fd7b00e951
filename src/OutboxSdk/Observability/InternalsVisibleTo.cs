using System.Runtime.CompilerServices;

// The observability and retention tests drive the internal probe, monitor and partition maintainer directly.
[assembly: InternalsVisibleTo("OutboxSdk.Observability.Tests")]
