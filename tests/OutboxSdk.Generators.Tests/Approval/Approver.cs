using System.Runtime.CompilerServices;
using System.Text;
using Xunit.Sdk;

namespace OutboxSdk.Generators.Tests.Approval;

/// <summary>
/// Approval testing in Verify's file convention, small enough to replace by Verify when the package is available:
/// the approved text of <c>name</c> in test class <c>C</c> is <c>Snapshots/C.name.verified.cs</c> beside the test's
/// source file. A mismatch (or a missing file) writes <c>C.name.received.cs</c> there and fails with a diff
/// summary; set <c>OUTBOX_ACCEPT=1</c> to accept what was received instead.
/// </summary>
/// <remarks>The test class is taken from the calling file's name, so a test class lives in a file of its name.</remarks>
internal static class Approver
{
    private const string AcceptVariable = "OUTBOX_ACCEPT";

    /// <summary>Fails unless <paramref name="received"/> matches the approved snapshot called <paramref name="name"/>.</summary>
    public static void Verify(string received, string name, [CallerFilePath] string sourceFile = "") =>
        VerifyAll([(name, received)], name, sourceFile);

    /// <summary>
    /// Verifies several snapshots at once (e.g. every file a generator run produced), so one run reports every
    /// difference. Snapshots whose name starts with <paramref name="group"/> + '#' but that were not received
    /// are reported as stale (and removed on accept).
    /// </summary>
    public static void VerifyAll(IReadOnlyList<(string Name, string Text)> received, string group, [CallerFilePath] string sourceFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(sourceFile)!, "Snapshots");
        var prefix = Path.GetFileNameWithoutExtension(sourceFile) + ".";
        var accept = Environment.GetEnvironmentVariable(AcceptVariable) == "1";
        Directory.CreateDirectory(folder);

        var problems = new List<string>();
        foreach (var (name, text) in received)
        {
            var verifiedPath = Path.Combine(folder, prefix + name + ".verified.cs");
            var receivedPath = Path.Combine(folder, prefix + name + ".received.cs");
            var actual = Normalize(text);
            var expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (expected == actual)
            {
                File.Delete(receivedPath);
                continue;
            }

            if (accept)
            {
                File.WriteAllText(verifiedPath, actual);
                File.Delete(receivedPath);
                continue;
            }

            File.WriteAllText(receivedPath, actual);
            problems.Add(expected is null
                ? $"{Path.GetFileName(verifiedPath)} does not exist; received:{Environment.NewLine}{Head(actual)}"
                : $"{Path.GetFileName(verifiedPath)} differs: {Diff(expected, actual)}");
        }

        var names = received.Select(r => prefix + r.Name + ".verified.cs").ToHashSet(StringComparer.Ordinal);
        foreach (var stale in Directory.EnumerateFiles(folder, prefix + group + "#*.verified.cs").Where(p => !names.Contains(Path.GetFileName(p))))
        {
            if (accept)
            {
                File.Delete(stale);
            }
            else
            {
                problems.Add($"{Path.GetFileName(stale)} was not produced any more");
            }
        }

        if (problems.Count > 0)
        {
            throw new XunitException(string.Join(Environment.NewLine, problems)
                + $"{Environment.NewLine}Compare the *.received.cs files in {folder} with the approved ones; if they are right, rerun with {AcceptVariable}=1.");
        }
    }

    // Snapshots compare by content: line endings depend on the checkout, not on the generator.
    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var first = 0;
        while (first < a.Length && first < b.Length && a[first] == b[first])
        {
            first++;
        }

        var summary = new StringBuilder()
            .Append($"first difference at line {first + 1} (approved {a.Length} lines, received {b.Length})").AppendLine()
            .Append("  approved: ").AppendLine(first < a.Length ? a[first].Trim() : "<end of file>")
            .Append("  received: ").Append(first < b.Length ? b[first].Trim() : "<end of file>");
        return summary.ToString();
    }

    private static string Head(string text) => string.Join('\n', text.Split('\n').Take(20));
}
