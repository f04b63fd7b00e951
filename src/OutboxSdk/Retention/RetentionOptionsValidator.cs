namespace OutboxSdk.Retention;

/// <summary>Rejects retention settings that would produce colliding partition names or a busy loop.</summary>
internal sealed class RetentionOptionsValidator(IEnumerable<OutboxConfigurationBinding>? bindings = null) : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var retention = options.Retention;
        var failures = new List<string>();
        if (retention.PartitionInterval < TimeSpan.FromMinutes(1) || retention.PartitionInterval.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            failures.Add($"OutboxOptions.Retention.PartitionInterval is {retention.PartitionInterval}: use whole minutes, at least 1 (partition names carry minutes).");
        }

        if (retention.Window <= TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.Retention.Window is {retention.Window}: it must be positive.");
        }

        if (retention.CheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.Retention.CheckInterval is {retention.CheckInterval}: it must be positive.");
        }

        failures = OutboxConfigurationBinding.Annotate(bindings ?? [], failures, nameof(OutboxOptions));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
