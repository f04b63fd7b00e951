using System;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace OutboxSdk.Generators.Evolution;

/// <summary>
/// A committed schema version, <c>schemas/&lt;subject&gt;.v&lt;N&gt;.avsc</c>, as plain equatable data: the pipeline
/// caches it until the file changes. <see cref="Subject"/> is null when the name does not follow the pattern;
/// <see cref="Text"/> is null when the file could not be read.
/// </summary>
internal sealed record SchemaHistoryFile(string Path, string? Subject, int Version, string? Text)
{
    private const string Extension = ".avsc";

    /// <summary>The path as diagnostics show it: <c>schemas/name.avsc</c>.</summary>
    public string DisplayName => "schemas/" + FileName(Path);

    /// <summary>True for <c>*.avsc</c> files directly in a folder named <c>schemas</c>.</summary>
    public static bool IsCandidate(string path)
    {
        if (!path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var name = FileName(path);
        var folder = FileName(path.Substring(0, Math.Max(0, path.Length - name.Length - 1)));
        return string.Equals(folder, "schemas", StringComparison.OrdinalIgnoreCase);
    }

    public static SchemaHistoryFile Read(AdditionalText file, CancellationToken cancellationToken)
    {
        var text = file.GetText(cancellationToken)?.ToString();
        var name = FileName(file.Path);
        name = name.Substring(0, name.Length - Extension.Length);

        // <subject>.v<N>: the subject may itself contain dots; N is a whole number from 1 without leading zeros.
        var marker = name.LastIndexOf(".v", StringComparison.Ordinal);
        var digits = marker < 0 ? "" : name.Substring(marker + 2);
        var valid = marker > 0 && digits.Length > 0 && digits[0] != '0' && digits.Length <= 9 && IsDigits(digits);
        return valid
            ? new SchemaHistoryFile(file.Path, name.Substring(0, marker), int.Parse(digits, CultureInfo.InvariantCulture), text)
            : new SchemaHistoryFile(file.Path, null, 0, text);
    }

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string FileName(string path) => path.Substring(path.LastIndexOfAny(['/', '\\']) + 1);
}
