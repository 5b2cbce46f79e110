using AgentOps.Hosting;
using AgentOps.Observability;
using Microsoft.Extensions.Options;

// A silo process. `AgentOps.Silo migrate` only applies the schema and exits (docker-compose's schema step).
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAgentOpsOptions(builder.Configuration);

if (args.Contains("migrate"))
{
    builder.Services.AddSingleton<SchemaMigrator>();
    using var migrateHost = builder.Build();
    var storage = migrateHost.Services.GetRequiredService<IOptions<AgentOpsStorageOptions>>().Value;
    var applied = await migrateHost.Services.GetRequiredService<SchemaMigrator>().ApplyAsync(storage.ConnectionString
        ?? throw new InvalidOperationException("AgentOps:Postgres is required for migrate."));
    Console.WriteLine($"schema up to date ({applied.Count} script(s) applied now)");
    return 0;
}

builder.Services.AddAgentOpsObservability(builder.Configuration, "agentops-silo");
builder.UseOrleans(silo => silo.AddAgentOpsSilo(builder.Configuration));
using var host = builder.Build();
await host.RunAsync();
return 0;
