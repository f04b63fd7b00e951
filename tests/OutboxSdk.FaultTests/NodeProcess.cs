using System.Diagnostics;

namespace OutboxSdk.FaultTests;

/// <summary>
/// A publisher or relay process (tests/OutboxSdk.FaultTests.Node) run with the same dotnet host as the tests; its
/// stdout and stderr go to a log file. <see cref="Kill"/> sends SIGKILL: no shutdown code runs.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What RelayNode prints once its host started.</summary>
    public const string ReadyLine = "relay started";

    private NodeProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    /// <summary>Whether the suite killed it (as opposed to it exiting by itself).</summary>
    public bool KilledBySuite { get; private set; }

    /// <summary>Completes when the process printed <see cref="ReadyLine"/> (a relay whose host started).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes with the exit code.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(-1);

    public string LogPath => ((FileStream)_log.BaseStream).Name;

    public static NodeProcess Start(string role, IEnumerable<string> arguments, string logPath)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(NodeAssembly);
        start.ArgumentList.Add(role);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new NodeProcess(process, log);
        process.OutputDataReceived += (_, e) =>
        {
            node.Write(e.Data);
            if (e.Data == ReadyLine)
            {
                node._ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => node.Write(e.Data);
        process.Start();
        node.Exited = node.WaitAsync();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Write($"-- started {role} pid {process.Id}");
        return node;
    }

    /// <summary>SIGKILL, at once; waits until the process is gone.</summary>
    /// <summary>Sends a signal by name (STOP, CONT) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task KillAsync()
    {
        KilledBySuite = true;
        try
        {
            _process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }
        catch (InvalidOperationException)
        {
            // it exited by itself meanwhile
        }

        await Exited;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KilledBySuite = true;
            _process.Kill();
        }

        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private static string NodeAssembly
    {
        get
        {
            // The node is built by the project reference into its own folder, next to ours:
            // tests/OutboxSdk.FaultTests/bin/<configuration>/<tfm>/ → tests/OutboxSdk.FaultTests.Node/bin/<configuration>/<tfm>/.
            var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "OutboxSdk.FaultTests.Node", "bin", here.Parent.Name, here.Name, "OutboxSdk.FaultTests.Node.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"the fault node was not found at {path}: build tests/OutboxSdk.FaultTests (it builds the node through its project reference)", path);
        }
    }

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        var code = _process.ExitCode;
        _ready.TrySetCanceled();
        Write($"-- exited with {code}{(KilledBySuite ? " (killed by the suite)" : "")}");
        return code;
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // output that arrives after the run ended
            }
        }
    }
}
