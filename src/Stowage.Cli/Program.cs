using Stowage.Cli;

return await StowageCli.RunAsync(args);
