namespace OutboxSdk.Retention;

/// <summary>
/// A time range of one partition. Ranges are aligned to multiples of the interval since the Unix epoch (UTC), so
/// every instance computes the same bounds and the same name without coordination.
/// </summary>
internal readonly record struct PartitionRange(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>The range of <paramref name="interval"/> that holds <paramref name="instant"/>.</summary>
    public static PartitionRange Containing(DateTimeOffset instant, TimeSpan interval)
    {
        var offset = instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var start = offset - (((offset % interval.Ticks) + interval.Ticks) % interval.Ticks); // floor, also before 1970
        var from = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + start, TimeSpan.Zero);
        return new PartitionRange(from, from + interval);
    }

    /// <summary>The range after this one.</summary>
    public PartitionRange Next => new(To, To + (To - From));

    /// <summary>
    /// <c>messages_p20261121</c> for ranges starting at midnight, <c>messages_p20261121_0600</c> otherwise: sortable,
    /// deterministic, and well under Postgres's 63-byte limit.
    /// </summary>
    public string TableName => From.TimeOfDay == TimeSpan.Zero
        ? "messages_p" + From.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)
        : "messages_p" + From.UtcDateTime.ToString("yyyyMMdd'_'HHmm", CultureInfo.InvariantCulture);

    public bool Overlaps(DateTimeOffset? from, DateTimeOffset? to) =>
        (from is null || from < To) && (to is null || to > From);
}
