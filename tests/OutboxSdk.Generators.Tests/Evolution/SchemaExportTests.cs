using System.Text;
using Microsoft.CodeAnalysis;
using OutboxSdk.Avro.Schema;
using OutboxSdk.Cli;
using static OutboxSdk.Evolution.Tests.Sources;

namespace OutboxSdk.Evolution.Tests;

/// <summary><c>outbox schemas export</c> on assemblies compiled here with the real generator.</summary>
public sealed class SchemaExportTests : IDisposable
{
    private const string Cancelled = """

        [OutboxMessage("orders.order-cancelled")]
        public partial record OrderCancelled(string OrderId, string Reason);
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "outbox-evolution-" + Guid.NewGuid().ToString("N"));

    public SchemaExportTests() => Directory.CreateDirectory(_folder);

    private string Schemas => Path.Combine(_folder, "schemas");

    [Fact]
    public void Writes_v1_per_subject_then_nothing_while_the_schemas_stay_the_same()
    {
        var assembly = Build(Message(OrderIdMember, Cancelled));

        var first = Export(assembly);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(["wrote " + Path.Combine(Schemas, "orders.order-cancelled.v1.avsc"), "wrote " + Path.Combine(Schemas, "orders.order-placed.v1.avsc")], first.Lines);
        Assert.Equal(AvroSchema.Parse(Record(OrderIdField)).ToCanonicalForm(), Canonical("orders.order-placed.v1.avsc"));
        var written = File.ReadAllText(Path.Combine(Schemas, "orders.order-placed.v1.avsc"));
        Assert.EndsWith("}\n", written, StringComparison.Ordinal);
        Assert.Contains("\n  \"fields\": [", written, StringComparison.Ordinal); // indented for review

        var second = Export(assembly);
        Assert.Equal(0, second.ExitCode);
        Assert.All(second.Lines, line => Assert.StartsWith("unchanged ", line, StringComparison.Ordinal));
        Assert.Equal(2, Directory.GetFiles(Schemas).Length);
    }

    [Fact]
    public void A_changed_schema_or_default_becomes_the_next_version_and_a_doc_only_change_does_not()
    {
        Assert.Equal(0, Export(Build(Message(OrderIdMember))).ExitCode);

        var docOnly = Export(Build(Message("    [AvroDoc(\"The order.\")] public required string OrderId { get; init; }")));
        Assert.Equal(["unchanged orders.order-placed: same as " + Path.Combine(Schemas, "orders.order-placed.v1.avsc")], docOnly.Lines);

        // Same canonical form, but a default changes how the version resolves: a new version.
        var defaulted = Export(Build(Message("    [AvroDefault(\"\\\"none\\\"\")] public string OrderId { get; init; } = \"none\";")));
        Assert.Equal(["wrote " + Path.Combine(Schemas, "orders.order-placed.v2.avsc")], defaulted.Lines);

        var changed = Export(Build(Message(OrderIdMember + "\n    public string? Note { get; init; }")));
        Assert.Equal(["wrote " + Path.Combine(Schemas, "orders.order-placed.v3.avsc")], changed.Lines);
        Assert.Equal(AvroSchema.Parse(Record(OrderIdField)).ToCanonicalForm(), Canonical("orders.order-placed.v1.avsc"));
        Assert.Contains("\"Note\"", Canonical("orders.order-placed.v3.avsc"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_next_version_follows_the_highest_existing_one()
    {
        Directory.CreateDirectory(Schemas);
        File.WriteAllText(Path.Combine(Schemas, "orders.order-placed.v3.avsc"), Record(OrderIdField, """{"name":"Old","type":"int"}"""));
        File.WriteAllText(Path.Combine(Schemas, "orders.order-placed.v10.avsc"), Record(OrderIdField, """{"name":"Older","type":"int"}"""));
        File.WriteAllText(Path.Combine(Schemas, "orders.order-placed-v2.v99.avsc"), "another subject");

        var result = Export(Build(Message(OrderIdMember)));

        Assert.Equal(["wrote " + Path.Combine(Schemas, "orders.order-placed.v11.avsc")], result.Lines);
    }

    [Fact]
    public void Exported_history_is_what_the_build_checks_against()
    {
        Export(Build(Message(OrderIdMember)));
        var history = Directory.GetFiles(Schemas).ToDictionary(f => "schemas/" + Path.GetFileName(f), File.ReadAllText);

        Assert.Empty(GeneratorHarness.Run(Message(OrderIdMember), history).Obx);
        Assert.Equal("OBX1040", Assert.Single(GeneratorHarness.Run(Message(OrderIdMember + "\n    public required int Total { get; init; }"), history).Obx).Id);
    }

    [Fact]
    public void Bad_input_is_exit_1_with_one_line()
    {
        var missing = Path.Combine(_folder, "missing.dll");
        Assert.Equal((1, "outbox: " + missing + ": no such file\n"), Error(Export(missing)));

        var text = Path.Combine(_folder, "text.dll");
        File.WriteAllText(text, "MZ but not really");
        Assert.Equal((1, "outbox: " + text + ": not a .NET assembly\n"), Error(Export(text)));

        var plain = Build("namespace Shop; public class NoMessages { }");
        var (exitCode, stderr) = Error(Export(plain));
        Assert.Equal(1, exitCode);
        Assert.StartsWith("outbox: " + plain + ": no [OutboxMessage] schemas", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var badHistory = Build(Message(OrderIdMember));
        Directory.CreateDirectory(Schemas);
        File.WriteAllText(Path.Combine(Schemas, "orders.order-placed.v1.avsc"), "{");
        (exitCode, stderr) = Error(Export(badHistory));
        Assert.Equal(1, exitCode);
        Assert.StartsWith("outbox: " + Path.Combine(Schemas, "orders.order-placed.v1.avsc") + ": the schema is not valid JSON", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Result(int ExitCode, string[] Lines, string Stderr);

    private static (int, string) Error(Result result) => (result.ExitCode, result.Stderr);

    private Result Export(string assembly)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var exitCode = OutboxCli.Run(["schemas", "export", assembly, "-o", Schemas], stdout, stderr);
        var text = stdout.ToString();
        return new Result(exitCode, text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n'), stderr.ToString());
    }

    private string Canonical(string file) => AvroSchema.Parse(File.ReadAllText(Path.Combine(Schemas, file), Encoding.UTF8)).ToCanonicalForm();

    // Compiles the source with the generator into a fresh dll in the test folder.
    private string Build(string source)
    {
        var run = GeneratorHarness.Run(source);
        Assert.DoesNotContain(run.Obx, d => d.Severity == DiagnosticSeverity.Error);
        var path = Path.Combine(_folder, "Messages-" + Guid.NewGuid().ToString("N") + ".dll");
        var emitted = run.Output.Emit(path);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        return path;
    }
}
