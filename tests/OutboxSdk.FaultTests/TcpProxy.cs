using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OutboxSdk.FaultTests;

/// <summary>
/// A loopback TCP proxy between the relays and Postgres that can break the network path: <see cref="CutAll"/> resets
/// every open connection (as a dropped NAT entry or a failed-over load balancer does), <see cref="StallAsync"/>
/// stops moving bytes in both directions and holds new connections for a while (a partition that heals).
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, (TcpClient Client, TcpClient Server)> _pairs = new();
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Open();
    private int _nextPair;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Resets every connection open now; returns how many.</summary>
    public int CutAll()
    {
        var cut = 0;
        foreach (var (id, pair) in _pairs)
        {
            if (_pairs.TryRemove(id, out _))
            {
                Reset(pair.Client);
                Reset(pair.Server);
                cut++;
            }
        }

        return cut;
    }

    /// <summary>Holds all traffic and new connections for <paramref name="duration"/>.</summary>
    public async Task StallAsync(TimeSpan duration)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _flowing, gate);
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _flowing.TrySetResult();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        _stopping.Dispose();
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
            }

            client.Close();
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            _ = Task.Run(() => ConnectAsync(client));
        }
    }

    private async Task ConnectAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await Volatile.Read(ref _flowing).Task.WaitAsync(_stopping.Token); // a stalled path holds new connections too
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }

        client.NoDelay = server.NoDelay = true;
        var id = Interlocked.Increment(ref _nextPair);
        _pairs[id] = (client, server);
        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));
        if (_pairs.TryRemove(id, out _))
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (true)
            {
                var read = await input.ReadAsync(buffer, _stopping.Token);
                if (read == 0)
                {
                    to.Client.Shutdown(SocketShutdown.Send);
                    return;
                }

                await Volatile.Read(ref _flowing).Task.WaitAsync(_stopping.Token);
                await output.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // the other side or a cut closed the connection: close ours so the peer sees it too
            Reset(from);
            Reset(to);
        }
    }
}
