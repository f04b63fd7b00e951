using Xunit.Abstractions;

namespace OutboxSdk.FaultTests;

/// <summary>
/// The fault-injection suite (docs/reliability.md). Each scenario streams messages from a publisher process to relay
/// processes while a fault strikes again and again, then checks the ledger: nothing committed lost, nothing rolled
/// back delivered, per-key order kept, no effect twice, poison messages in dead letters with their error.
/// </summary>
[Trait("Category", "Slow")]
[Trait("Group", "Faults")]
[Collection(FaultClusterCollection.Name)]
public sealed class FaultScenarioTests(FaultCluster cluster, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task The_relay_process_killed_with_SIGKILL_at_random_points_loses_nothing(string mode) => RunAsync(FaultScenarios.RelaySigkill, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task Postgres_restarted_with_a_fast_shutdown_mid_stream_loses_nothing(string mode) => RunAsync(FaultScenarios.PostgresRestartFast, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task Postgres_restarted_with_an_immediate_shutdown_mid_stream_loses_nothing(string mode) => RunAsync(FaultScenarios.PostgresRestartImmediate, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task The_relays_connections_terminated_by_the_server_lose_nothing(string mode) => RunAsync(FaultScenarios.TerminateBackends, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task A_network_path_that_is_cut_and_stalled_loses_nothing(string mode) => RunAsync(FaultScenarios.ProxyCutAndStall, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task Two_relay_instances_killed_in_turn_deliver_each_effect_once(string mode) => RunAsync(FaultScenarios.TwoRelays, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task Three_relay_instances_killed_in_turn_deliver_each_effect_once(string mode) => RunAsync(FaultScenarios.ThreeRelays, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task A_paused_leader_is_taken_over_in_bounded_time_and_delivers_nothing_twice_when_it_resumes(string mode) => RunAsync(FaultScenarios.PauseLeader, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task A_leader_cut_off_by_a_blackholed_network_is_taken_over_in_bounded_time_and_delivers_nothing_twice_when_it_returns(string mode) => RunAsync(FaultScenarios.BlackholeLeader, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task Poison_failing_hanging_and_flaky_handlers_end_in_dead_letters_or_delivered(string mode) => RunAsync(FaultScenarios.HandlerFaults, mode);

    [Theory]
    [MemberData(nameof(RelayModes.All), MemberType = typeof(RelayModes))]
    public Task A_handler_timing_out_in_the_middle_of_its_context_write_does_not_stop_its_key(string mode) => RunAsync(FaultScenarios.HandlerTimeoutDuringContextWrite, mode);

    private async Task RunAsync(FaultScenario scenario, string mode)
    {
        var (row, folder) = await ScenarioRun.RunAsync(cluster, scenario, mode, output);
        output.WriteLine("");
        output.WriteLine(ScenarioTable.Add(row));
        output.WriteLine($"(table file: {ScenarioTable.FilePath})");
        var v = row.Verdict;
        var where = $"scenario {scenario.Name}, mode {mode}, seed {row.Seed} ({FaultBudget.SeedVariable}={FaultBudget.Current.BaseSeed}); logs in {folder}";
        Assert.True(v.Lost == 0, $"{v.Lost} committed message(s) lost — {where}");
        Assert.True(v.Phantoms == 0, $"{v.Phantoms} message(s) delivered that were never committed — {where}");
        Assert.True(v.DuplicateEffects == 0, $"{v.DuplicateEffects} duplicate effect(s) despite the inbox — {where}");
        Assert.True(v.OrderViolations == 0, $"{v.OrderViolations} per-key order violation(s) — {where}");
        Assert.True(v.UnexpectedDeadLetters == 0, $"{v.UnexpectedDeadLetters} dead letter(s) of messages that were not poison — {where}");
        Assert.Equal(v.ExpectedDeadLetters, v.PoisonDeadLettered);
        Assert.True(v.Committed > 0, $"the publisher committed nothing — {where}");
        await ScenarioRun.CleanUpAsync(cluster, folder);
    }
}
