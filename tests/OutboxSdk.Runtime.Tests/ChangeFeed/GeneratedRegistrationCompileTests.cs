using Microsoft.CodeAnalysis;

namespace OutboxSdk.ChangeFeed.Tests;

/// <summary>The registration's captured row decoders compile for every entity shape, structs included.</summary>
public sealed class GeneratedRegistrationCompileTests
{
    [Fact]
    public void Class_record_and_struct_entities_with_change_handlers_compile_without_warnings()
    {
        var (generator, compilation, hints, _) = GeneratorHarness.Run("""
            using System.Threading;
            using System.Threading.Tasks;
            using MediatR;
            using OutboxSdk;
            using OutboxSdk.ChangeFeed;
            namespace Shapes;
            [ChangeFeed("points")]
            public partial record struct Point([property: Key] int X, [property: Key] int Y, string? Label);
            [ChangeFeed("app.people", ReplicaIdentity = ReplicaIdentity.Default)]
            public partial class Person { [Key] public long Id { get; set; } public string Name { get; set; } = ""; }
            public sealed class Watch : INotificationHandler<Change<Point>>, INotificationHandler<Truncated<Person>>
            {
                public Task Handle(Change<Point> n, CancellationToken ct) => Task.CompletedTask;
                public Task Handle(Truncated<Person> n, CancellationToken ct) => Task.CompletedTask;
            }
            """, withRegistration: true);

        Assert.Empty(generator.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.Empty(compilation.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));
        Assert.Contains("SnippetOutboxRegistration.g.cs", hints);
    }
}
