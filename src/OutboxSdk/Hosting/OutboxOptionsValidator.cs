namespace OutboxSdk.Hosting;

/// <summary>
/// Checks <see cref="OutboxOptions"/> when the host starts (<c>ValidateOnStart</c>), so a misconfigured service fails
/// at once with every problem listed, each naming the option and what to set, instead of at its first message.
/// </summary>
internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    private const int MaxIdentifierBytes = 63; // NAMEDATALEN - 1: LISTEN truncates longer channel names, pg_notify rejects them.
    private readonly IServiceProviderIsService? _services;
    private readonly IEnumerable<OutboxConfigurationBinding> _bindings;

    /// <summary>
    /// Creates a validator; <paramref name="services"/> tells whether an <see cref="NpgsqlDataSource"/> is registered in DI,
    /// <paramref name="bindings"/> which configuration sections the options were bound from (their keys are named in failures).
    /// </summary>
    public OutboxOptionsValidator(IServiceProviderIsService? services = null, IEnumerable<OutboxConfigurationBinding>? bindings = null)
    {
        _services = services;
        _bindings = bindings ?? [];
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        ValidateDatabase(options, failures);
        ValidateIdentifiers(options, failures);
        Positive(failures, "BatchSize", options.BatchSize, "e.g. 100");
        Positive(failures, "MaxDegreeOfParallelism", options.MaxDegreeOfParallelism, "e.g. Environment.ProcessorCount");
        PositiveTime(failures, "PollInterval", options.PollInterval, "the default is 1 s");
        if (options.LeaderTimeout < TimeSpan.FromSeconds(1))
        {
            failures.Add($"OutboxOptions.LeaderTimeout ({options.LeaderTimeout}) must be at least 1 s, or a relay pausing for a garbage collection would lose its leadership; the default is 6 s.");
        }
        OutboxSdk.Sources.Wal.ReplicationOptionsValidation.Validate(options, failures);
        if (!Enum.IsDefined(options.SchemaCompatibility))
        {
            failures.Add($"OutboxOptions.SchemaCompatibility ({(int)options.SchemaCompatibility}) is not a CompatibilityLevel; the default is FullTransitive.");
        }

        ValidateRetry(options.Retry, failures);
        // Retention is checked by its own validator (Retention/RetentionOptionsValidator).
        failures = OutboxConfigurationBinding.Annotate(_bindings, failures, nameof(OutboxOptions));
        OutboxConfigurationBinding.AddUnknownKeys(_bindings, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateDatabase(OutboxOptions options, List<string> failures)
    {
        if (options.RelayConnectionString is { Length: > 0 } relay)
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(relay);
            }
            catch (ArgumentException e)
            {
                failures.Add("OutboxOptions.RelayConnectionString is not a valid Npgsql connection string (" + e.Message + "); use the form \"Host=...;Database=...;Username=...;Password=...\", direct to PostgreSQL or through a session-mode pool.");
            }
        }

        if (options.DataSource is not null)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                // The message names the bad keyword; the string itself may hold a password, so it is not repeated.
                failures.Add("OutboxOptions.ConnectionString is not a valid Npgsql connection string (" + e.Message + "); use the form \"Host=...;Database=...;Username=...;Password=...\".");
            }

            return;
        }

        if (_services?.IsService(typeof(NpgsqlDataSource)) != true)
        {
            failures.Add("OutboxOptions: no database is configured. Set OutboxOptions.ConnectionString (configuration key 'Outbox:ConnectionString' with AddOutbox(configuration.GetSection(\"Outbox\"))) or OutboxOptions.DataSource in AddOutbox(o => ...), or register an NpgsqlDataSource in DI (services.AddNpgsqlDataSource(...)).");
        }
    }

    private static void ValidateIdentifiers(OutboxOptions options, List<string> failures)
    {
        if (!IsIdentifier(options.Schema))
        {
            failures.Add($"OutboxOptions.Schema '{options.Schema}' is not a Postgres identifier: it must be 1 to {MaxIdentifierBytes} bytes (UTF-8) without NUL characters; the default is '{OutboxSchema.DefaultSchema}'.");
            return; // the default channel is built from the schema: one message is enough
        }

        if (!IsIdentifier(options.EffectiveNotifyChannel))
        {
            var which = options.NotifyChannel is null ? "the default channel 'outbox_<Schema>'" : "OutboxOptions.NotifyChannel";
            failures.Add($"OutboxOptions.NotifyChannel: {which} ('{options.EffectiveNotifyChannel}') must be 1 to {MaxIdentifierBytes} bytes without NUL characters; set a shorter NotifyChannel.");
        }
    }

    private static void ValidateRetry(OutboxRetryOptions retry, List<string> failures)
    {
        Positive(failures, "Retry.MaxAttempts", retry.MaxAttempts, "1 means no retries");
        if (retry.InitialDelay < TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.Retry.InitialDelay must not be negative (it is {retry.InitialDelay}); the default is 100 ms.");
        }

        if (retry.MaxDelay < retry.InitialDelay)
        {
            failures.Add($"OutboxOptions.Retry.MaxDelay ({retry.MaxDelay}) must be at least Retry.InitialDelay ({retry.InitialDelay}).");
        }

        if (retry.HandlerTimeout <= TimeSpan.Zero && retry.HandlerTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"OutboxOptions.Retry.HandlerTimeout must be positive, or Timeout.InfiniteTimeSpan for no limit (it is {retry.HandlerTimeout}); the default is 30 s.");
        }

        if (retry.UnreadableSchemaTimeout <= TimeSpan.Zero && retry.UnreadableSchemaTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"OutboxOptions.Retry.UnreadableSchemaTimeout must be positive, or Timeout.InfiniteTimeSpan to wait for good (it is {retry.UnreadableSchemaTimeout}); the default is 1 hour.");
        }

        PositiveTime(failures, "Retry.UnreadableSchemaStepDownAfter", retry.UnreadableSchemaStepDownAfter, "the default is 10 s");
    }

    private static void Positive(List<string> failures, string option, int value, string hint)
    {
        if (value <= 0)
        {
            failures.Add($"OutboxOptions.{option} must be at least 1 (it is {value}); {hint}.");
        }
    }

    private static void PositiveTime(List<string> failures, string option, TimeSpan value, string hint)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"OutboxOptions.{option} must be positive (it is {value}); {hint}.");
        }
    }

    private static bool IsIdentifier(string? name) =>
        !string.IsNullOrEmpty(name) && !name.Contains('\0', StringComparison.Ordinal) && Encoding.UTF8.GetByteCount(name) <= MaxIdentifierBytes;
}
