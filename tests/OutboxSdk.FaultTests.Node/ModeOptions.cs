using OutboxSdk.Hosting;
using OutboxSdk.Operations;
using OutboxSdk.Sources.Wal;
using OutboxSdk;

namespace OutboxSdk.FaultTests.Node;

/// <summary>
/// The outbox options of a relay mode under test, applied by the publisher and the relays alike (a write mode
/// must match on both sides). The suite names modes as strings (its <c>RelayModes.All</c>), so one relay mode can be
/// tested in several variants. A mode's slot and publication are named after the scenario's schema, so the suite
/// can drop them after the scenario.
/// </summary>
public static class ModeOptions
{
    public static void Apply(OutboxOptions options, string mode, string schema)
    {
        switch (mode)
        {
            case "Notify":
                options.RelayMode = RelayMode.Notify; // the channel defaults to outbox_<schema>
                break;
            case "Replication":
                options.RelayMode = RelayMode.Replication;
                options.Replication.SlotName = schema;
                options.Replication.PublicationName = schema;
                break;
            case "ReplicationLogicalMessage":
                // Table-less: messages are logical decoding messages in the WAL, nothing accumulates in a table.
                options.RelayMode = RelayMode.Replication;
                options.Replication.SlotName = schema;
                options.Replication.PublicationName = schema;
                options.Replication.WriteMode = OutboxWriteMode.LogicalMessage;
                break;
            default:
                throw new ArgumentException($"the fault node does not know the relay mode '{mode}' (schema {schema}): add its options in ModeOptions.Apply");
        }
    }
}
