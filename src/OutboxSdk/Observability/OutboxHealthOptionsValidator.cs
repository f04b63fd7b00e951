namespace OutboxSdk.Observability;

/// <summary>Rejects health thresholds that would make the check or the backlog sampler meaningless (checked at startup).</summary>
internal sealed class OutboxHealthOptionsValidator(IEnumerable<OutboxConfigurationBinding>? bindings = null) : IValidateOptions<OutboxHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxHealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxBacklogAge <= TimeSpan.Zero)
        {
            failures.Add($"OutboxHealthOptions.MaxBacklogAge must be positive (it is {options.MaxBacklogAge}); the default is 60 s.");
        }

        if (options.MissedBeatsBeforeUnhealthy < 1)
        {
            failures.Add($"OutboxHealthOptions.MissedBeatsBeforeUnhealthy must be at least 1 (it is {options.MissedBeatsBeforeUnhealthy}); the default is 3.");
        }

        if (options.BacklogSampleInterval <= TimeSpan.Zero)
        {
            failures.Add($"OutboxHealthOptions.BacklogSampleInterval must be positive (it is {options.BacklogSampleInterval}); the default is 10 s.");
        }

        failures = OutboxConfigurationBinding.Annotate(bindings ?? [], failures, nameof(OutboxHealthOptions), OutboxConfigurationBinding.HealthSection + ":");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
