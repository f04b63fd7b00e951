namespace OutboxSdk.Migrations;

/// <summary>What <see cref="OutboxMigrator.MigrateAsync"/> did.</summary>
/// <param name="Applied">The versions applied by this call, in order; empty when the database was up to date.</param>
/// <param name="Version">The database's version afterwards (the highest applied version).</param>
internal sealed record OutboxMigrationResult(IReadOnlyList<int> Applied, int Version);
