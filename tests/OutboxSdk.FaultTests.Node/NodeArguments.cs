using System.Globalization;

namespace OutboxSdk.FaultTests.Node;

/// <summary>The <c>--name value</c> arguments of a node, with errors that name the argument.</summary>
public sealed class NodeArguments
{
    private readonly Dictionary<string, string> _values;

    private NodeArguments(Dictionary<string, string> values) => _values = values;

    public static NodeArguments Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'{(i + 1 >= args.Length ? " without a value" : "")}");
            }

            values[args[i][2..]] = args[i + 1];
        }

        return new NodeArguments(values);
    }

    public string Text(string name) => _values.TryGetValue(name, out var value)
        ? value
        : throw new ArgumentException($"the argument --{name} is required");

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var value)
        ? int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"--{name} must be an integer, got '{value}'")
        : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var value)
        ? double.TryParse(value, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"--{name} must be a number, got '{value}'")
        : fallback;
}
