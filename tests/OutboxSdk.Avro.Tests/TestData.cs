namespace OutboxSdk.Avro.Tests;

/// <summary>
/// Locates the Apache Avro conformance files, kept outside the repository in <c>../shared/avro-testdata</c>
/// beside the checkout (the folder holding OutboxSdk.sln), or wherever OUTBOX_AVRO_TESTDATA points.
/// </summary>
internal static class TestData
{
    private const string EnvironmentVariable = "OUTBOX_AVRO_TESTDATA";

    private static readonly Lazy<string> Directory = new(Locate);

    /// <summary>The folder holding the conformance files; throws with the places searched when it is missing.</summary>
    public static string AvroTestDataDirectory => Directory.Value;

    /// <summary>The full path of the conformance file <paramref name="name"/>, which must exist.</summary>
    public static string File(string name)
    {
        string path = Path.Combine(AvroTestDataDirectory, name);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException("Avro conformance file " + name + " is missing from " + AvroTestDataDirectory, path);
        }

        return path;
    }

    private static string Locate()
    {
        var searched = new List<string>();
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            string full = Path.GetFullPath(fromEnvironment);
            if (System.IO.Directory.Exists(full))
            {
                return full;
            }

            searched.Add(full + " (from " + EnvironmentVariable + ")");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "OutboxSdk.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "avro-testdata"));
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }

                searched.Add(candidate);
                break;
            }
        }

        if (searched.Count == 0)
        {
            searched.Add("no folder holding OutboxSdk.sln above " + AppContext.BaseDirectory);
        }

        throw new DirectoryNotFoundException(
            "The Avro conformance data folder was not found. Looked in: " + string.Join("; ", searched)
            + ". Put the Apache Avro share/test files in ../shared/avro-testdata beside the checkout or set "
            + EnvironmentVariable + ".");
    }
}
