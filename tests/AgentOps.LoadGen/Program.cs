using AgentOps.LoadGen;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var store = new StoreClient(options.Url, options.Admin, options.Concurrency);
try
{
    return await new LoadRun(options, store).RunAsync();
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"The front door at {options.Url} did not cooperate: {e.Message}");
    return 3;
}
