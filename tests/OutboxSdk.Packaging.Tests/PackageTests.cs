using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// `dotnet pack src/OutboxSdk` yields a feed from which a brand-new project, outside the repository and its
/// Directory.*.props, restores OutboxSdk, gets the generator, and serializes an annotated record.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Packaging")]
[Collection(PackedFeed.Collection)]
public sealed class PackageTests
{
    private const string Version = PackedFeed.Version;

    [Fact]
    public void A_new_project_consumes_the_packed_sdk()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2.8);
        using var packed = PackedFeed.Pack(deadline);
        var feed = packed.Feed;
        AssertPackage(feed, "OutboxSdk", ["lib/net10.0/OutboxSdk.dll", "analyzers/dotnet/cs/OutboxSdk.Generators.dll", "build/OutboxSdk.props", "buildTransitive/OutboxSdk.props"],
            ["OutboxSdk.Abstractions " + Version, "OutboxSdk.Avro " + Version, "MediatR.Contracts 2.0.1", "Npgsql 10.0.0",
             "Microsoft.Extensions.DependencyInjection.Abstractions 10.0.14", "Microsoft.Extensions.Hosting.Abstractions 10.0.14",
             "Microsoft.Extensions.Options 10.0.14", "Microsoft.Extensions.Options.ConfigurationExtensions 10.0.14", "Microsoft.Extensions.Logging.Abstractions 10.0.14",
             "Microsoft.Extensions.Diagnostics.HealthChecks 10.0.14", "Microsoft.Extensions.Diagnostics.HealthChecks.Abstractions 10.0.14"]);
        AssertPackage(feed, "OutboxSdk.Avro", ["lib/net10.0/OutboxSdk.Avro.dll"], ["Snappier 1.3.2", "System.IO.Hashing 10.0.14", "ZstdSharp.Port 0.8.8"]);
        AssertPackage(feed, "OutboxSdk.Abstractions", ["lib/netstandard2.0/OutboxSdk.Abstractions.dll"], []);

        var app = packed.WriteConsumer("app", "Probe", ProbeProgram);
        DotnetProcess.Run(app, packed.Isolated, deadline, "build", "-c", "Release");
        var output = DotnetProcess.Run(app, packed.Isolated, deadline, "run", "--no-build", "-c", "Release");

        var id = "0b0b0b0b-1111-2222-3333-444455556666";
        var expectedHex = "48" + Convert.ToHexString(Encoding.ASCII.GetBytes(id)) + "06" + Convert.ToHexString("c-1"u8) + "06";
        Assert.Equal(["round trip: True", "bytes: " + expectedHex, "subject: probe.order-placed", "ddl: True"], output.Trim().Split('\n').Select(l => l.TrimEnd('\r')));
    }

    /// <summary>The package in the feed holds the required files (and no other assembly) and declares exactly the dependencies.</summary>
    internal static void AssertPackage(string feed, string id, string[] requiredFiles, string[] dependencies)
    {
        var path = Path.Combine(feed, $"{id}.{Version}.nupkg");
        Assert.True(File.Exists(path), $"{path} was not packed; the feed holds: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");
        using var archive = ZipFile.OpenRead(path);
        var files = archive.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var file in requiredFiles)
        {
            Assert.True(files.Contains(file), $"{id} lacks {file}; it holds: {string.Join(", ", files.Order(StringComparer.Ordinal))}");
        }

        // Only what the list names: no stray assemblies (e.g. the generator's Roslyn references) under lib/ or analyzers/.
        var assemblies = files.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(requiredFiles.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal), assemblies);

        using var nuspec = archive.GetEntry(id + ".nuspec")!.Open();
        var declared = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => e.Attribute("id")!.Value + " " + e.Attribute("version")!.Value);
        Assert.Equal(dependencies.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
    }

    private const string ProbeProgram = """
        using OutboxSdk;
        using OutboxSdk.Avro.Serialization;

        var order = new OrderPlaced(Guid.Parse("0b0b0b0b-1111-2222-3333-444455556666"), "c-1", 3);
        var bytes = AvroSerializer.Serialize(order);
        Console.WriteLine($"round trip: {AvroSerializer.Deserialize<OrderPlaced>(bytes) == order}");
        Console.WriteLine($"bytes: {Convert.ToHexString(bytes)}");
        Console.WriteLine($"subject: {OutboxSdk.Generated.ProbeOutboxRegistration.Instance.Messages[0].Subject}");
        Console.WriteLine($"ddl: {OrderRow.CreateTableSql.StartsWith("CREATE TABLE IF NOT EXISTS \"sales\".\"orders\"", StringComparison.Ordinal)}");

        [OutboxMessage("probe.order-placed")]
        public partial record OrderPlaced(Guid Id, [property: PartitionKey] string Customer, int Lines);

        [ChangeFeed("sales.orders")]
        public partial class OrderRow
        {
            [Key] public Guid Id { get; set; }
            public string Status { get; set; } = "";
        }
        """;
}
