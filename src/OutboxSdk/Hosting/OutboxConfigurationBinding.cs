using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace OutboxSdk.Hosting;

/// <summary>
/// The configuration section <c>AddOutbox(IConfiguration)</c> bound, so that a validation failure of a value that
/// came from configuration names the key to change (<c>Outbox:Retry:MaxAttempts</c>), not only the property.
/// </summary>
internal sealed partial class OutboxConfigurationBinding(IConfiguration section)
{
    public const string HealthSection = "Health";

    /// <summary>Appends the configuration key to each failure whose option was set by configuration.</summary>
    public static List<string> Annotate(IEnumerable<OutboxConfigurationBinding> bindings, List<string> failures, string optionsType, string prefix = "")
    {
        var sections = bindings.Select(static b => b._section).ToList();
        if (sections.Count == 0 || failures.Count == 0)
        {
            return failures;
        }

        return failures.ConvertAll(failure =>
        {
            var match = OptionPath().Match(failure);
            if (!match.Success || match.Groups["type"].Value != optionsType)
            {
                return failure;
            }

            var relative = prefix + match.Groups["path"].Value.Replace('.', ':');
            // The last binding wins, as the last Bind does.
            for (var i = sections.Count - 1; i >= 0; i--)
            {
                var key = sections[i].GetSection(relative);
                if (key.Value is not null)
                {
                    return failure + " (configuration key '" + key.Path + "')";
                }
            }

            return failure;
        });
    }

    /// <summary>
    /// Keys of the bound sections that no option reads — a misspelt key would otherwise be ignored without a word and
    /// its option keep the default. Matched as configuration matches, ignoring case.
    /// </summary>
    public static void AddUnknownKeys(IEnumerable<OutboxConfigurationBinding> bindings, List<string> failures)
    {
        foreach (var binding in bindings)
        {
            foreach (var child in binding._section.GetChildren())
            {
                if (child.Key.Equals(HealthSection, StringComparison.OrdinalIgnoreCase))
                {
                    CheckKeys(child, typeof(OutboxHealthOptions), failures);
                }
                else
                {
                    CheckKey(child, typeof(OutboxOptions), failures);
                }
            }
        }
    }

    private static void CheckKeys(IConfigurationSection section, Type options, List<string> failures)
    {
        foreach (var child in section.GetChildren())
        {
            CheckKey(child, options, failures);
        }
    }

    private static void CheckKey(IConfigurationSection key, Type options, List<string> failures)
    {
        var property = options.GetProperty(key.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is not null && ((property.SetMethod is { IsPublic: true } && IsScalar(property.PropertyType)) || IsStringList(property)))
        {
            return;
        }

        if (property is not null && property.SetMethod is null && property.PropertyType.Namespace == typeof(OutboxOptions).Namespace && property.PropertyType.IsClass)
        {
            CheckKeys(key, property.PropertyType, failures);
            return;
        }

        var known = string.Join(", ", options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => (p.SetMethod is { IsPublic: true } && IsScalar(p.PropertyType)) || IsStringList(p) || (p.SetMethod is null && p.PropertyType.Namespace == typeof(OutboxOptions).Namespace && p.PropertyType.IsClass))
            .Select(p => p.Name)
            .Concat(options == typeof(OutboxOptions) ? [HealthSection] : []));
        failures.Add($"Configuration key '{key.Path}' is not a setting of {options.Name} and would be ignored; check its spelling (the keys here: {known}), and that AddOutbox was given the outbox's own section (configuration.GetSection(\"Outbox\")).");
    }

    // A get-only list of names (ChangeFeedOptions.ExcludedEntities): the binder adds "Key:0", "Key:1", … to it.
    private static bool IsStringList(PropertyInfo property) =>
        property.SetMethod is null && typeof(ICollection<string>).IsAssignableFrom(property.PropertyType);

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan);
    }

    // "OutboxOptions.Retry.MaxAttempts must be ...": the type, then the property path up to the first non-name character.
    [GeneratedRegex(@"^(?<type>Outbox(?:Health)?Options)\.(?<path>[A-Za-z]+(?:\.[A-Za-z]+)*)", RegexOptions.CultureInvariant)]
    private static partial Regex OptionPath();

    private readonly IConfiguration _section = section;
}
