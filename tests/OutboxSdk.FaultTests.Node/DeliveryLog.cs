using System.Globalization;
using System.Text;

namespace OutboxSdk.FaultTests.Node;

/// <summary>
/// The at-least-once record of deliveries: one line per successful handler call, appended to a file outside the
/// delivery's transaction (and outside the database, so a database fault cannot fail the handler). Each write is
/// one write(2) that reaches the kernel before the handler returns, so a SIGKILL loses no line the handler wrote.
/// Line: id, key, seq, attempt, instance, pid, UTC ticks — tab separated.
/// </summary>
public sealed class DeliveryLog : IDisposable
{
    private readonly FileStream _file;
    private readonly string _instance;
    private readonly Lock _gate = new();

    public DeliveryLog(string folder, string instance)
    {
        _instance = instance;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"deliveries-{instance}-{Environment.ProcessId}.tsv");
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
    }

    public void Record(FaultEvent message, int attempt)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{message.Id}\t{message.Key}\t{message.Seq}\t{attempt}\t{_instance}\t{Environment.ProcessId}\t{DateTime.UtcNow.Ticks}\n");
        var bytes = Encoding.UTF8.GetBytes(line);
        lock (_gate)
        {
            _file.Write(bytes);
            _file.Flush();
        }
    }

    public void Dispose() => _file.Dispose();
}
