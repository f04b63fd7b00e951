namespace OutboxSdk.SchemaRegistry;

/// <summary>
/// The application's generated message schemas break the configured compatibility with the versions registered
/// in the outbox's <c>schemas</c> table (<c>OutboxOptions.SchemaCompatibility</c>), so startup refuses to go on:
/// the message names each subject, the field, the reason and the rule.
/// </summary>
public sealed class OutboxSchemaCompatibilityException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public OutboxSchemaCompatibilityException() => Subjects = [];

    /// <summary>Creates the exception with a message.</summary>
    public OutboxSchemaCompatibilityException(string message) : base(message) => Subjects = [];

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OutboxSchemaCompatibilityException(string message, Exception innerException) : base(message, innerException) => Subjects = [];

    /// <summary>Creates the exception for <paramref name="subjects"/>.</summary>
    public OutboxSchemaCompatibilityException(string message, IReadOnlyList<string> subjects, Exception? innerException = null)
        : base(message, innerException) => Subjects = subjects;

    /// <summary>The subjects whose new schema was refused.</summary>
    public IReadOnlyList<string> Subjects { get; }
}
