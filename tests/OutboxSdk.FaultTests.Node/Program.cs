using OutboxSdk.FaultTests.Node;

// One process of the fault suite: `publisher` or `relay`, with --name value arguments (NodeArguments).
if (args.Length == 0 || args[0] is not ("publisher" or "relay"))
{
    await Console.Error.WriteLineAsync("usage: OutboxSdk.FaultTests.Node publisher|relay --connection <cs> --schema <name> [options]; see Publisher.cs and RelayNode.cs");
    return 2;
}

try
{
    var arguments = NodeArguments.Parse(args.AsSpan(1));
    return args[0] == "publisher" ? await Publisher.RunAsync(arguments) : await RelayNode.RunAsync(arguments);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
