using OutboxSdk;
using OutboxSdk.Delivery;

namespace Relay.Tests;

/// <summary>
/// A handler's inbox name: its <see cref="OutboxHandlerAttribute"/> when it has one, so renaming the class (or giving
/// a renamed class its old name) keeps exactly-once across the rename; two handlers of one message may not share one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HandlerIdentityTests(PostgresFixture fixture)
{
    [Fact]
    public async Task The_inbox_knows_a_handler_by_its_attribute_so_what_it_did_under_its_old_class_is_not_done_again()
    {
        await using var outbox = await TestOutbox.CreateAsync(fixture.Postgres);
        await outbox.StartRelayAsync();

        // What the class did before its rename, recorded in the inbox under the name it keeps.
        var handledBefore = Guid.NewGuid();
        await outbox.ExecuteAsync($"INSERT INTO inbox (message_id, handler) VALUES ('{handledBefore}', 'tests.send-invoice')");
        await outbox.WriteAsync([new Invoiced("c-1", 1)], i => i.Customer, messageId: handledBefore);
        await outbox.WriteAsync([new Invoiced("c-1", 2)], i => i.Customer);

        await Recorder.WaitUntilAsync(async () => await outbox.ScalarAsync<long>("SELECT count(*) FROM pending") == 0
            && await outbox.ScalarAsync<long>("SELECT count(*) FROM ledger WHERE account = 'invoice:c-1'") == 1, "both delivered", 30);
        Assert.Equal(2, await outbox.ScalarAsync<int>("SELECT amount FROM ledger WHERE account = 'invoice:c-1'"));
        Assert.Equal(["tests.send-invoice"], await outbox.ScalarAsync<string[]>("SELECT array_agg(DISTINCT handler) FROM inbox"));
    }

    [Fact]
    public void A_handler_without_the_attribute_is_known_by_its_full_name_and_two_handlers_of_one_name_are_refused()
    {
        Assert.Equal("tests.send-invoice", HandlerIdentity.Of(typeof(SendInvoiceRenamed)));
        Assert.Equal(typeof(LedgerHandler).FullName, HandlerIdentity.Of(typeof(LedgerHandler)));

        var clash = Assert.Throws<InvalidOperationException>(() => HandlerIdentity.EnsureDistinct(typeof(Invoiced), [typeof(SendInvoiceRenamed), typeof(NamedLikeIt)]));
        Assert.Contains("'tests.send-invoice'", clash.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(NamedLikeIt).FullName!, clash.Message, StringComparison.Ordinal);
        HandlerIdentity.EnsureDistinct(typeof(Invoiced), [typeof(SendInvoiceRenamed), typeof(LedgerHandler)]);
    }

    [OutboxHandler("tests.send-invoice")]
    private sealed class NamedLikeIt;
}
