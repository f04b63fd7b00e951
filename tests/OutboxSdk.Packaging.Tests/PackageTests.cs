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
public sealed class PackageTests
{
    private const string Version = "0.1.0";

    [Fact]
    public void A_new_project_consumes_the_packed_sdk()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2.8);
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "outboxsdk-pack-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var feed = Path.Combine(root, "feed");
            DotnetProcess.Run(RepositoryRoot(), new Dictionary<string, string>(), deadline,
                "pack", Path.Combine("src", "OutboxSdk", "OutboxSdk.csproj"), "-c", "Release", "-o", feed, "--no-restore");

            AssertPackage(feed, "OutboxSdk", ["lib/net10.0/OutboxSdk.dll", "analyzers/dotnet/cs/OutboxSdk.Generators.dll", "build/OutboxSdk.props", "buildTransitive/OutboxSdk.props"],
                ["OutboxSdk.Abstractions " + Version, "OutboxSdk.Avro " + Version, "MediatR 5.1.0", "Npgsql 10.0.0",
                 "Microsoft.Extensions.DependencyInjection.Abstractions 10.0.14", "Microsoft.Extensions.Hosting.Abstractions 10.0.14",
                 "Microsoft.Extensions.Options 10.0.14", "Microsoft.Extensions.Logging.Abstractions 10.0.14",
                 "Microsoft.Extensions.Diagnostics.HealthChecks 10.0.14", "Microsoft.Extensions.Diagnostics.HealthChecks.Abstractions 10.0.14"]);
            AssertPackage(feed, "OutboxSdk.Avro", ["lib/net10.0/OutboxSdk.Avro.dll"], []);
            AssertPackage(feed, "OutboxSdk.Abstractions", ["lib/netstandard2.0/OutboxSdk.Abstractions.dll"], []);

            var app = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
            WriteConsumer(root, app, feed);
            // Packages and the HTTP cache live under the temporary folder: the machine's caches stay untouched, and a
            // stale OutboxSdk 0.1.0 from an earlier run can never be picked up.
            var isolated = new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = Path.Combine(root, "packages"),
                ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(root, "http-cache"),
            };
            DotnetProcess.Run(app, isolated, deadline, "build", "-c", "Release");
            var output = DotnetProcess.Run(app, isolated, deadline, "run", "--no-build", "-c", "Release");

            var id = "0b0b0b0b-1111-2222-3333-444455556666";
            var expectedHex = "48" + Convert.ToHexString(Encoding.ASCII.GetBytes(id)) + "06" + Convert.ToHexString("c-1"u8) + "06";
            Assert.Equal(["round trip: True", "bytes: " + expectedHex, "subject: probe.order-placed", "ddl: True"], output.Trim().Split('\n').Select(l => l.TrimEnd('\r')));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void AssertPackage(string feed, string id, string[] requiredFiles, string[] dependencies)
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

    private static void WriteConsumer(string root, string app, string feed)
    {
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="outboxsdk-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="outboxsdk-local">
                  <package pattern="OutboxSdk" />
                  <package pattern="OutboxSdk.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Probe.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OutboxSdk" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
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
            """);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OutboxSdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("OutboxSdk.sln not found above " + AppContext.BaseDirectory);
    }
}
