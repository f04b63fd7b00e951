namespace OutboxSdk.ChangeFeed;

/// <summary>A generated <c>FromRow(row, toast, previous)</c>: builds the entity from a change-feed row.</summary>
/// <typeparam name="T">The entity type.</typeparam>
public delegate T ChangeFeedRowDecoder<T>(PgRow row, ToastPolicy toast, T? previous);
