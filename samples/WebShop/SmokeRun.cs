using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using OutboxSdk.Observability;

namespace WebShop;

/// <summary>
/// <c>--smoke</c>: serve on a free port, place a few orders through the HTTP API, and exit 0 only when every one
/// was confirmed by the handler, each handler span continued its order's trace, and <c>/health</c> is Healthy.
/// CI runs it (.ci/run); it takes a few seconds.
/// </summary>
internal static class SmokeRun
{
    public const string Flag = "--smoke";
    private const int Orders = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static void Configure(WebApplicationBuilder builder)
    {
        builder.Configuration["Urls"] = "http://127.0.0.1:0";
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
    }

    public static async Task<int> RunAsync(WebApplication app)
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = Listen(spans);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = Timeout };
            var failures = new List<string>();
            if (!await HealthyWithinAsync(http))
            {
                failures.Add("/health did not report Healthy after startup");
            }

            var invalid = await http.PostAsJsonAsync("/orders", new PlaceOrder("", 0m));
            if (invalid.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"an invalid order was answered {(int)invalid.StatusCode}, not 400");
            }

            var placed = new List<OrderView>();
            for (var i = 1; i <= Orders; i++)
            {
                var response = await http.PostAsJsonAsync("/orders", new PlaceOrder($"customer-{i % 2}", 10m * i + 0.99m));
                response.EnsureSuccessStatusCode();
                placed.Add((await response.Content.ReadFromJsonAsync<OrderView>())!);
            }

            var deadline = Stopwatch.StartNew(); // one deadline for all: an undelivered run fails in 30 s, not 30 s per order
            foreach (var order in placed)
            {
                var confirmed = await ConfirmedWithinAsync(http, order.Id, deadline);
                Console.WriteLine($"order {order.Id} {order.CustomerId} {order.Total,7:F2}: {(confirmed is null ? "NOT CONFIRMED" : $"confirmed {(confirmed.Value - order.PlacedAt).TotalMilliseconds:F0} ms after it was placed")}");
                if (confirmed is null)
                {
                    failures.Add($"order {order.Id} was not confirmed within {Timeout.TotalSeconds:0} s");
                }
            }

            var untraced = UntracedOrders(spans);
            if (untraced > 0)
            {
                failures.Add($"{untraced} of {Orders} orders have no handler span in their trace");
            }

            if (!await HealthyWithinAsync(http))
            {
                failures.Add("/health did not report Healthy after the orders");
            }

            foreach (var failure in failures)
            {
                Console.Error.WriteLine("smoke: " + failure);
            }

            Console.WriteLine(failures.Count == 0
                ? $"smoke: OK, {Orders} orders placed over HTTP, each published in its transaction, confirmed once by the handler and traced end to end; /health Healthy"
                : "smoke: FAILED");
            return failures.Count == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<bool> HealthyWithinAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Timeout)
        {
            using var response = await http.GetAsync("/health");
            if (response.IsSuccessStatusCode && await response.Content.ReadAsStringAsync() == "Healthy")
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static async Task<DateTimeOffset?> ConfirmedWithinAsync(HttpClient http, Guid id, Stopwatch deadline)
    {
        do
        {
            var order = await http.GetFromJsonAsync<OrderView>($"/orders/{id}");
            if (order?.ConfirmedAt is { } confirmedAt)
            {
                return confirmedAt;
            }

            await Task.Delay(50);
        }
        while (deadline.Elapsed < Timeout);

        return null;
    }

    // Each "place order" span's trace must hold the SDK's consumer span: the trace context crossed the commit.
    private static int UntracedOrders(IEnumerable<Activity> spans)
    {
        var all = spans.ToList();
        var handled = all.Where(s => s.Source.Name == OutboxTelemetry.ActivitySourceName && s.Kind == ActivityKind.Consumer)
            .Select(s => s.TraceId).ToHashSet();
        return all.Count(s => s.Source.Name == ShopTelemetry.SourceName && !handled.Contains(s.TraceId));
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ShopTelemetry.SourceName or OutboxTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
