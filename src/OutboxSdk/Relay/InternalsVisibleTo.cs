using System.Runtime.CompilerServices;

// The relay tests check the plans of the relay's statements (RelaySql) against a real Postgres.
[assembly: InternalsVisibleTo("OutboxSdk.Relay.Tests")]
