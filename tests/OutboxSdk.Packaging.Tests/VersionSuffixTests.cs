namespace OutboxSdk.Packaging.Tests;

/// <summary>
/// A local re-pack must get a new version, or NuGet's global packages folder serves the copy it extracted the first
/// time (docs/packaging.md): Directory.Build.props sets <c>VersionPrefix</c>, not <c>Version</c>, so
/// <c>dotnet pack --version-suffix dev.N</c> takes effect, and every package of one pack carries the same version.
/// Evaluation only (no build), a few seconds; with the packaging group, as it runs the dotnet CLI.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Packaging")]
public sealed class VersionSuffixTests
{
    [Theory]
    [InlineData("src/OutboxSdk/OutboxSdk.csproj")]
    [InlineData("src/OutboxSdk.Avro/OutboxSdk.Avro.csproj")]
    [InlineData("src/OutboxSdk.Abstractions/OutboxSdk.Abstractions.csproj")]
    [InlineData("src/OutboxSdk.Testing/OutboxSdk.Testing.csproj")]
    public void A_version_suffix_reaches_the_package_version_and_without_one_it_is_the_prefix(string project)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        var repository = PackedFeed.RepositoryRoot();
        var path = Path.Combine(repository, project);
        var noEnvironment = new Dictionary<string, string>();

        var suffixed = DotnetProcess.Run(repository, noEnvironment, deadline, "msbuild", path, "-getProperty:PackageVersion", "-p:VersionSuffix=dev.20261207120000").Trim();
        var plain = DotnetProcess.Run(repository, noEnvironment, deadline, "msbuild", path, "-getProperty:PackageVersion").Trim();

        Assert.Equal(PackedFeed.Version + "-dev.20261207120000", suffixed);
        Assert.Equal(PackedFeed.Version, plain);
    }
}
