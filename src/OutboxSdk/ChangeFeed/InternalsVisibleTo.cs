using System.Runtime.CompilerServices;

// The router is internal (the replication engine is its one caller); its tests drive it directly.
[assembly: InternalsVisibleTo("OutboxSdk.ChangeFeed.Tests")]
