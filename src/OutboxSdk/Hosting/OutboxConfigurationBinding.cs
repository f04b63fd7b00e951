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

    // "OutboxOptions.Retry.MaxAttempts must be ...": the type, then the property path up to the first non-name character.
    [GeneratedRegex(@"^(?<type>Outbox(?:Health)?Options)\.(?<path>[A-Za-z]+(?:\.[A-Za-z]+)*)", RegexOptions.CultureInvariant)]
    private static partial Regex OptionPath();

    private readonly IConfiguration _section = section;
}
