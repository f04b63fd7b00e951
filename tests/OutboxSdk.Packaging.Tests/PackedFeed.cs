using System.Xml.Linq;

namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// `dotnet pack src/OutboxSdk` into a feed under a new temporary folder, with a <c>nuget.config</c> beside it that
/// maps <c>OutboxSdk*</c> to that feed only (everything else comes from nuget.org), and brand-new consumer projects
/// written into the same folder — outside the repository, so no Directory.*.props or global.json of ours applies.
/// Restores use <see cref="Isolated"/>: packages and the HTTP cache under the temporary folder, so the machine's
/// caches stay untouched and a stale OutboxSdk from an earlier run can never be picked up. Disposing deletes the folder.
/// </summary>
internal sealed class PackedFeed : IDisposable
{
    public const string Version = "0.1.0";

    /// <summary>
    /// The packaging tests' collection: they pack the same projects into the same Release bin/ and obj/ folders, so they
    /// run one after another rather than racing (and sharing two cores) against each other's deadlines.
    /// </summary>
    public const string Collection = "packed-feed";

    private PackedFeed(string root)
    {
        Root = root;
        Feed = Path.Combine(root, "feed");
        Isolated = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(root, "packages"),
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(root, "http-cache"),
        };
    }

    /// <summary>The temporary folder: the feed, nuget.config, the consumer projects.</summary>
    public string Root { get; }

    /// <summary>The folder holding the packed <c>.nupkg</c> files.</summary>
    public string Feed { get; }

    /// <summary>The environment for a consumer's restore, build or run.</summary>
    public IReadOnlyDictionary<string, string> Isolated { get; }

    /// <summary>
    /// Packs src/OutboxSdk (Release, --no-restore: the test project references it, so it is restored) into a new feed,
    /// and the optional packages named (src/&lt;name&gt;, e.g. OutboxSdk.EntityFrameworkCore) into the same feed.
    /// </summary>
    public static PackedFeed Pack(DateTime deadline, params string[] optionalPackages)
    {
        var packed = new PackedFeed(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "outboxsdk-pack-" + Guid.NewGuid().ToString("N"))).FullName);
        try
        {
            DotnetProcess.Run(RepositoryRoot(), new Dictionary<string, string>(), deadline,
                "pack", Path.Combine("src", "OutboxSdk", "OutboxSdk.csproj"), "-c", "Release", "-o", packed.Feed, "--no-restore");
            foreach (var package in optionalPackages)
            {
                DotnetProcess.Run(RepositoryRoot(), new Dictionary<string, string>(), deadline,
                    "pack", Path.Combine("src", package, package + ".csproj"), "-c", "Release", "-o", packed.Feed, "--no-restore");
            }

            File.WriteAllText(Path.Combine(packed.Root, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="outboxsdk-local" value="{packed.Feed}" />
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
            return packed;
        }
        catch
        {
            packed.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes a new console project <c>&lt;folder&gt;/&lt;projectName&gt;.csproj</c> under <see cref="Root"/> (net10.0, nullable and
    /// implicit usings on, warnings as errors — what <c>dotnet new console</c> gives, stricter) referencing OutboxSdk and
    /// <paramref name="packages"/>, with <paramref name="program"/> as its Program.cs. Returns the project's folder.
    /// </summary>
    public string WriteConsumer(string folder, string projectName, string program, string? assemblyName = null, params (string Id, string Version)[] packages) =>
        WriteConsumer(folder, projectName, new ConsumerProject(program) { AssemblyName = assemblyName, Packages = packages });

    /// <summary>Writes the project <paramref name="project"/> describes as <c>&lt;folder&gt;/&lt;projectName&gt;.csproj</c>; returns its folder.</summary>
    public string WriteConsumer(string folder, string projectName, ConsumerProject project)
    {
        var app = Directory.CreateDirectory(Path.Combine(Root, folder)).FullName;
        var references = string.Concat(project.Packages.Select(p => $"""{Environment.NewLine}    <PackageReference Include="{p.Id}" Version="{p.Version}" />"""));
        var assembly = project.AssemblyName is null ? "" : $"{Environment.NewLine}    <AssemblyName>{project.AssemblyName}</AssemblyName>";
        File.WriteAllText(Path.Combine(app, projectName + ".csproj"), $"""
            <Project Sdk="{project.Sdk}">
              <PropertyGroup>
                <OutputType>{(project.Library ? "Library" : "Exe")}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>{assembly}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="OutboxSdk" Version="{Version}" />{references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), project.Program);
        foreach (var (name, text) in project.Files)
        {
            File.WriteAllText(Path.Combine(app, name), text);
        }

        return app;
    }

    /// <summary>The version of <paramref name="id"/> in the repository's Directory.Packages.props.</summary>
    public static string CentralVersion(string id) =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Packages.props")).Descendants()
            .Where(e => e.Name.LocalName == "PackageVersion" && (string?)e.Attribute("Include") == id)
            .Select(e => e.Attribute("Version")!.Value).SingleOrDefault()
        ?? throw new InvalidOperationException(id + " has no PackageVersion in Directory.Packages.props");

    public static string RepositoryRoot()
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

    /// <summary>Deletes the folder — unless OUTBOXSDK_KEEP_CONSUMERS=1, to look into a consumer that failed.</summary>
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("OUTBOXSDK_KEEP_CONSUMERS") == "1")
        {
            Console.Error.WriteLine("kept " + Root);
            return;
        }

        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>A consumer project: its Program.cs and what else it is made of.</summary>
internal sealed record ConsumerProject(string Program)
{
    public string? AssemblyName { get; init; }

    public string Sdk { get; init; } = "Microsoft.NET.Sdk";

    /// <summary>A class library rather than a console app: for code with no top-level statements.</summary>
    public bool Library { get; init; }

    public IReadOnlyList<(string Id, string Version)> Packages { get; init; } = [];

    /// <summary>More source files, by name.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
}
