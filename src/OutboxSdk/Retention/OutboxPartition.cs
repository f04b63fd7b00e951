namespace OutboxSdk.Retention;

/// <summary>One partition of the outbox's <c>messages</c> table.</summary>
/// <param name="Name">The table name, e.g. <c>messages_p20261121</c> or <c>messages_default</c>.</param>
/// <param name="From">The inclusive lower bound of <c>created_at</c>; null for the default partition.</param>
/// <param name="To">The exclusive upper bound of <c>created_at</c>; null for the default partition.</param>
/// <param name="IsDefault">Whether this is the default partition (rows no range partition takes).</param>
/// <param name="EstimatedRows">The planner's row estimate (<c>pg_class.reltuples</c>); null before the first ANALYZE.</param>
public sealed record OutboxPartition(string Name, DateTimeOffset? From, DateTimeOffset? To, bool IsDefault, long? EstimatedRows);
