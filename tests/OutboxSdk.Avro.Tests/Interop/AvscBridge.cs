using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OutboxSdk.Avro.Tests.Interop;

/// <summary>Tests that drive avsc share one <see cref="AvscBridge"/> (one npm ci check, one temp dir).</summary>
[CollectionDefinition(AvscBridge.CollectionName)]
public sealed class AvscCollection : ICollectionFixture<AvscBridge>
{
}

/// <summary>
/// Runs tests/interop/avsc-bridge.js, a CLI over the npm package avsc (an Avro implementation independent
/// of ours). Data crosses as files: Avro JSON encoding one datum a line (unions wrapped, bytes as code
/// points 0-255, NaN/Infinity as strings, longs as exact integers) and binary datums as lowercase hex.
/// Every helper is one node process for the whole batch, since node's start-up dominates.
/// </summary>
public sealed class AvscBridge : IDisposable
{
    public const string CollectionName = "avsc";
    private const string NodeMissing = "install Node.js 20 and npm: apt-get install -y nodejs npm";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);

    private readonly string _tempDir;
    private int _fileCounter;

    public AvscBridge()
    {
        InteropDir = Path.Combine(RepoRoot, "tests", "interop");
        BridgeScript = Path.Combine(InteropDir, "avsc-bridge.js");
        if (!File.Exists(BridgeScript))
        {
            throw new InvalidOperationException($"avsc bridge script not found at {BridgeScript}");
        }

        var (exit, version, _) = RunProcess("node", ["--version"], InteropDir, RunTimeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"'node --version' failed; {NodeMissing}");
        }
        NodeVersion = version.Trim();

        EnsureNodeModules();
        _tempDir = Path.Combine(Path.GetTempPath(), "outboxsdk-avsc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_tempDir);
    }

    /// <summary>The folder holding OutboxSdk.sln, found by walking up from the test assembly.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The Apache Avro conformance files: $OUTBOX_AVRO_TESTDATA, else ../shared/avro-testdata beside the repo.</summary>
    public static string SharedTestData { get; } =
        Environment.GetEnvironmentVariable("OUTBOX_AVRO_TESTDATA") is { Length: > 0 } overridden
            ? Path.GetFullPath(overridden)
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "avro-testdata"));

    public string InteropDir { get; }

    public string BridgeScript { get; }

    public string NodeVersion { get; }

    /// <summary>Runs <c>node avsc-bridge.js args...</c> and returns its stdout; throws with stderr on failure.</summary>
    public string Run(params string[] args)
    {
        var (exit, stdout, stderr) = RunProcess("node", [BridgeScript, .. args], InteropDir, RunTimeout);
        if (exit != 0)
        {
            throw new InvalidOperationException(
                $"avsc-bridge {string.Join(' ', args)} exited with {exit}:{Environment.NewLine}{stderr}");
        }
        return stdout;
    }

    /// <summary>An Object Container File written by avsc. blockSize is avsc's uncompressed block size in bytes.</summary>
    public byte[] WriteContainer(string schemaJson, IEnumerable<string> jsonLines, string codec = "null", int? blockSize = null)
    {
        string schema = WriteTemp("schema.json", schemaJson), input = WriteLinesTemp("in.jsonl", jsonLines), output = NewTemp("out.avro");
        List<string> args = ["write-container", schema, input, output, "--codec", codec];
        if (blockSize is { } size)
        {
            args.AddRange(["--block-size", size.ToString(CultureInfo.InvariantCulture)]);
        }
        Run([.. args]);
        return File.ReadAllBytes(output);
    }

    /// <summary>avsc's reading of a container file: the writer schema text from its header, and its datums.</summary>
    public (string SchemaJson, List<string> JsonLines) ReadContainer(byte[] file)
    {
        string input = NewTemp("in.avro"), output = NewTemp("out.jsonl");
        File.WriteAllBytes(input, file);
        Run("read-container", input, output);
        return (File.ReadAllText(output + ".schema.json", Encoding.UTF8), ReadLines(output));
    }

    /// <summary>Each datum's plain Avro binary encoding, as avsc writes it.</summary>
    public List<byte[]> Encode(string schemaJson, IEnumerable<string> jsonLines)
    {
        string schema = WriteTemp("schema.json", schemaJson), input = WriteLinesTemp("in.jsonl", jsonLines), output = NewTemp("out.hex");
        Run("encode", schema, input, output);
        return ReadLines(output).Select(Convert.FromHexString).ToList();
    }

    /// <summary>avsc's decoding of each binary datum, in the JSON encoding.</summary>
    public List<string> Decode(string schemaJson, IEnumerable<byte[]> datums)
    {
        string schema = WriteTemp("schema.json", schemaJson), output = NewTemp("out.jsonl");
        string input = WriteLinesTemp("in.hex", datums.Select(Convert.ToHexStringLower));
        Run("decode", schema, input, output);
        return ReadLines(output);
    }

    /// <summary>avsc's type.random() datums, reproducible for a seed. Note avsc's generator is narrow (see the report).</summary>
    public List<string> Random(string schemaJson, int count, int seed)
    {
        string schema = WriteTemp("schema.json", schemaJson), output = NewTemp("out.jsonl");
        Run("random", schema, count.ToString(CultureInfo.InvariantCulture), output, "--seed", seed.ToString(CultureInfo.InvariantCulture));
        return ReadLines(output);
    }

    /// <summary>avsc's Parsing Canonical Form of the schema.</summary>
    public string Canonical(string schemaJson) => Run("canonical", WriteTemp("schema.json", schemaJson)).TrimEnd('\n');

    /// <summary>The Parsing Canonical Form of each schema, in one node process.</summary>
    public List<string> CanonicalAll(IEnumerable<string> schemaJsons)
    {
        var files = schemaJsons.Select(schema => WriteTemp("schema.json", schema)).ToList();
        return files.Count == 0 ? [] : Run(["canonical", .. files]).TrimEnd('\n').Split('\n').ToList();
    }

    /// <summary>Lowercase hex: md5 and sha256 by avsc; rabin (CRC-64-AVRO, 8 bytes little-endian) by the bridge.</summary>
    public string Fingerprint(string schemaJson, string algorithm = "md5") =>
        Run("fingerprint", WriteTemp("schema.json", schemaJson), algorithm).TrimEnd('\n');

    public void Dispose()
    {
        try
        {
            Directory.Delete(_tempDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test run over it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OutboxSdk.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"OutboxSdk.sln not found above {AppContext.BaseDirectory}");
    }

    private void EnsureNodeModules()
    {
        if (NodeModulesPresent())
        {
            return;
        }

        // Two test processes (e.g. parallel test runs) must not run npm ci into the same folder at once.
        // An exclusive FileStream is an OS file lock on Linux and Windows alike, and dies with the process.
        var lockPath = Path.Combine(Path.GetTempPath(), "outboxsdk-npm-ci-" + StableHash(InteropDir) + ".lock");
        var deadline = DateTime.UtcNow + NpmTimeout;
        FileStream? held = null;
        while (held is null)
        {
            try
            {
                held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(250);
            }
        }

        using (held)
        {
            if (NodeModulesPresent())
            {
                return; // the other process finished the install while we waited
            }
            var (exit, stdout, stderr) = RunProcess("npm", ["ci", "--no-audit", "--no-fund"], InteropDir, NpmTimeout);
            if (exit != 0 || !NodeModulesPresent())
            {
                throw new InvalidOperationException(
                    $"'npm ci' in {InteropDir} failed (exit {exit}):{Environment.NewLine}{stdout}{stderr}");
            }
        }
    }

    private bool NodeModulesPresent() =>
        File.Exists(Path.Combine(InteropDir, "node_modules", "avsc", "package.json"))
        && File.Exists(Path.Combine(InteropDir, "node_modules", "snappyjs", "package.json"));

    private static string StableHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private string NewTemp(string suffix) =>
        Path.Combine(_tempDir, Interlocked.Increment(ref _fileCounter).ToString(CultureInfo.InvariantCulture) + "-" + suffix);

    private string WriteTemp(string suffix, string content)
    {
        var path = NewTemp(suffix);
        File.WriteAllText(path, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }

    private string WriteLinesTemp(string suffix, IEnumerable<string> lines)
    {
        var builder = new StringBuilder();
        foreach (var line in lines)
        {
            if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException($"a datum line must not contain a line break: {line}", nameof(lines));
            }
            builder.Append(line).Append('\n');
        }
        return WriteTemp(suffix, builder.ToString());
    }

    /// <summary>Lines as the bridge writes them: each ends in \n; an empty line is a datum (a null's hex is empty).</summary>
    private static List<string> ReadLines(string path)
    {
        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines;
    }

    private static (int ExitCode, string Stdout, string Stderr) RunProcess(
        string fileName, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not run '{fileName}' ({e.Message}); {NodeMissing}", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            // Read both pipes concurrently so a chatty child cannot block on a full pipe.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException(
                    $"'{fileName} {string.Join(' ', info.ArgumentList)}' did not finish within {timeout.TotalSeconds} s");
            }
            process.WaitForExit(); // flushes the redirected streams
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }
}
