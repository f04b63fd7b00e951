namespace OutboxSdk.ChangeFeed;

/// <summary>Parses one column value; <paramref name="format"/> is <see cref="PgColumnKind.Text"/> or <see cref="PgColumnKind.Binary"/>.</summary>
/// <typeparam name="T">The parsed value.</typeparam>
public delegate T PgValueParser<out T>(PgColumnKind format, ReadOnlySpan<byte> value);
