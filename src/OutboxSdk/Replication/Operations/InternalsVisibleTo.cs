using System.Runtime.CompilerServices;

// The operations tests read the slot monitor's samples and drive the health check directly.
[assembly: InternalsVisibleTo("OutboxSdk.Operations.Tests")]
