return OutboxSdk.Cli.OutboxCli.RunConsole(args);
