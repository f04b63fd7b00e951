namespace OutboxSdk.Avro.Tests;

/// <summary>Finds the Apache conformance files in ../shared/avro-testdata beside the checkout.</summary>
internal static class TestData
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string AvroTestDataDirectory => Directory.Value;

    public static string File(string name) => Path.Combine(AvroTestDataDirectory, name);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "OutboxSdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find OutboxSdk.sln above " + AppContext.BaseDirectory);
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("OUTBOX_AVRO_TESTDATA");
        var candidate = !string.IsNullOrEmpty(fromEnvironment)
            ? fromEnvironment
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "avro-testdata"));
        if (!System.IO.Directory.Exists(candidate))
        {
            throw new InvalidOperationException(
                $"The Avro conformance files are missing: looked in '{candidate}'. Check out ../shared beside the repository, " +
                "or set OUTBOX_AVRO_TESTDATA to the folder that holds schema-tests.txt.");
        }

        return candidate;
    }
}
